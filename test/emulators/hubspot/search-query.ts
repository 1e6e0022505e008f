/** The CRM search request body: filterGroups (OR of ANDs), sorts, and comparisons. */
import type { StoredContact } from './contact-store';

export interface SearchFilter {
  propertyName: string;
  operator: string;
  value?: string;
  values?: string[];
  highValue?: string;
}
export interface SearchBody {
  filterGroups?: { filters: SearchFilter[] }[];
  sorts?: ({ propertyName: string; direction?: 'ASCENDING' | 'DESCENDING' } | string)[];
  properties?: string[];
  limit?: number;
  after?: string;
  query?: string;
}

const DATE_PROPERTIES = new Set(['createdate', 'lastmodifieddate']);
export const SUPPORTED_OPERATORS = new Set([
  'EQ',
  'NEQ',
  'LT',
  'LTE',
  'GT',
  'GTE',
  'BETWEEN',
  'IN',
  'NOT_IN',
  'HAS_PROPERTY',
  'NOT_HAS_PROPERTY',
]);

/** Dates compare as epoch ms (filters send ms strings), numbers numerically, else as text. */
function compare(property: string, stored: string, wanted: string): number {
  if (DATE_PROPERTIES.has(property)) {
    const left = Date.parse(stored);
    const right = /^\d+$/.test(wanted) ? Number(wanted) : Date.parse(wanted);
    return left - right;
  }
  if (/^-?\d+(\.\d+)?$/.test(stored) && /^-?\d+(\.\d+)?$/.test(wanted))
    return Number(stored) - Number(wanted);
  return stored.toLowerCase().localeCompare(wanted.toLowerCase());
}

function matches(contact: StoredContact, filter: SearchFilter): boolean {
  const stored = contact.properties[filter.propertyName];
  const has = stored !== undefined && stored !== '';
  switch (filter.operator) {
    case 'HAS_PROPERTY':
      return has;
    case 'NOT_HAS_PROPERTY':
      return !has;
  }
  if (!has) return filter.operator === 'NEQ' || filter.operator === 'NOT_IN';
  const c = (v: string | undefined) => compare(filter.propertyName, stored, v ?? '');
  switch (filter.operator) {
    case 'EQ':
      return c(filter.value) === 0;
    case 'NEQ':
      return c(filter.value) !== 0;
    case 'LT':
      return c(filter.value) < 0;
    case 'LTE':
      return c(filter.value) <= 0;
    case 'GT':
      return c(filter.value) > 0;
    case 'GTE':
      return c(filter.value) >= 0;
    case 'BETWEEN':
      return c(filter.value) >= 0 && c(filter.highValue) <= 0;
    case 'IN':
      return (filter.values ?? []).some((v) => c(v) === 0);
    case 'NOT_IN':
      return !(filter.values ?? []).some((v) => c(v) === 0);
    default:
      return false;
  }
}

export function matchesGroups(contact: StoredContact, body: SearchBody): boolean {
  const groups = body.filterGroups ?? [];
  if (groups.length === 0) return true;
  return groups.some((group) => group.filters.every((filter) => matches(contact, filter)));
}

/** Sorts by the first sort (HubSpot honours one), ties broken by id for stable paging. */
export function sortContacts(contacts: StoredContact[], body: SearchBody): StoredContact[] {
  const first = body.sorts?.[0];
  const sort = typeof first === 'string' ? { propertyName: first, direction: 'ASCENDING' } : first;
  const byId = (a: StoredContact, b: StoredContact) => Number(a.id) - Number(b.id);
  if (!sort) return [...contacts].sort(byId);
  const sign = sort.direction === 'DESCENDING' ? -1 : 1;
  return [...contacts].sort((a, b) => {
    const left = a.properties[sort.propertyName];
    const right = b.properties[sort.propertyName];
    if (left === undefined || right === undefined) {
      return (left === undefined ? 1 : 0) - (right === undefined ? 1 : 0) || byId(a, b);
    }
    return sign * compare(sort.propertyName, left, right) || byId(a, b);
  });
}

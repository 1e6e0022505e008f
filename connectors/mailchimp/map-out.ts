import {
  setPath,
  type JsonValue,
  type SkippedField,
  type VendorFields,
} from '../../src/connector-sdk';
import { MEMBER_WRITE_STATUSES, type MemberWriteStatus } from './types';

export type MemberBody = { [key: string]: JsonValue };

/** A member body, and the mapped fields it leaves out because Mailchimp cannot take them. */
export interface MappedMember {
  body: MemberBody;
  skipped: SkippedField[];
}

const MERGE_PREFIX = 'merge_fields.';

/**
 * Mapped vendor fields (dot paths) → the member body Mailchimp takes: `merge_fields.X` nest
 * under `merge_fields`, the canonical consent becomes `status`, a canonical address becomes
 * the ADDRESS merge field's shape. Pure: the write decides which fields to pass.
 *
 * A merge field mapped to nothing (null) is sent as `""`, which is how Mailchimp clears one.
 * An address Mailchimp cannot take is left out and named in `skipped` (see `address`).
 */
export function mapOut(fields: VendorFields): MappedMember {
  const body: MemberBody = {};
  const merges: MemberBody = {};
  const skipped: SkippedField[] = [];
  for (const [path, value] of Object.entries(fields)) {
    if (path === 'status') {
      const status = memberStatus(value);
      if (status) body.status = status;
    } else if (path.startsWith(MERGE_PREFIX)) {
      const merge = mergeValue(value);
      if ('missing' in merge) {
        skipped.push({ field: path, reason: incompleteAddress(merge.missing) });
      } else {
        merges[path.slice(MERGE_PREFIX.length)] = merge.value;
      }
    } else if (value !== null) {
      setPath(body, path, typeof value === 'string' ? value.trim() : value);
    }
  }
  if (Object.keys(merges).length > 0) body.merge_fields = merges;
  return { body, skipped };
}

/**
 * The canonical consent as a status Mailchimp lets an app set; undefined for `cleaned` (and
 * anything else), which is then not sent.
 */
export function memberStatus(value: JsonValue | undefined): MemberWriteStatus | undefined {
  return typeof value === 'string' && (MEMBER_WRITE_STATUSES as readonly string[]).includes(value)
    ? (value as MemberWriteStatus)
    : undefined;
}

/** A merge field's value as sent, or the parts an address lacks that Mailchimp requires. */
type MergeValue = { value: JsonValue } | { missing: string[] };

function mergeValue(value: JsonValue): MergeValue {
  if (value === null) return { value: '' };
  if (typeof value === 'string') return { value: value.trim() };
  if (typeof value === 'number') return { value };
  if (typeof value === 'boolean') return { value: String(value) };
  if (Array.isArray(value)) return { value: value.filter((v) => typeof v === 'string').join(', ') };
  return address(value);
}

/** The ADDRESS parts Mailchimp requires, with the canonical part each is taken from. */
const REQUIRED_ADDRESS_PARTS = [
  ['addr1', 'line1'],
  ['city', 'city'],
  ['state', 'region'],
  ['zip', 'postalCode'],
] as const;

/**
 * A canonical address as the ADDRESS merge field (`addr1`, `addr2`, `city`, `state`, `zip`,
 * `country`). Mailchimp rejects the whole member when an address lacks its street, city,
 * state or zip, so an incomplete one is not sent at all (one missing part must not stop the
 * phone or name from reaching Mailchimp) and the write reports it as not written, naming the
 * missing parts, so the admin sees why Mailchimp still shows the address it had.
 *
 * The address Mailchimp holds is left as it is, not emptied: its Merge Fields guide describes
 * an address as an object whose addr1, city, state and zip are required, and says nothing of
 * emptying one (`""` is what Mailchimp answers for an empty address, which does not make it
 * a documented way to clear one).
 */
function address(value: { [key: string]: JsonValue }): MergeValue {
  const text = (key: string) => {
    const part = value[key];
    return typeof part === 'string' && part.trim() ? part.trim() : undefined;
  };
  const missing = REQUIRED_ADDRESS_PARTS.filter(([, part]) => !text(part)).map(([tag]) => tag);
  if (missing.length > 0) return { missing };
  const result: MemberBody = {};
  for (const [tag, part] of REQUIRED_ADDRESS_PARTS) result[tag] = text(part)!;
  const addr2 = text('line2');
  const country = text('country');
  if (addr2) result.addr2 = addr2;
  if (country) result.country = country.toUpperCase();
  return { value: result };
}

/** Names the parts, never the address itself: the reason is shown to admins and logged. */
function incompleteAddress(missing: string[]): string {
  const parts =
    missing.length === 1
      ? missing[0]
      : `${missing.slice(0, -1).join(', ')} or ${missing[missing.length - 1]}`;
  return `Mailchimp takes an address only with its street (addr1), city, state and zip; this one has no ${parts}`;
}

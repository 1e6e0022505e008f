/**
 * Renders a unified profile from `GET /v1/profiles/:id` for the demo: each trait with the
 * source that won it (its provenance), then the identifiers that tied the sources together.
 */

export interface ProvenanceEntry {
  connectionId: string;
  externalId: string;
  updatedAt: string;
}

export interface ProfileDetail {
  id: string;
  status: string;
  traits: Record<string, unknown>;
  provenance: Record<string, ProvenanceEntry>;
  identifiers: { type: string; value: string }[];
  sources: { connectionId: string; externalId: string; deleted: boolean }[];
}

/** How a connection's records are named in the output, e.g. `{ id: 'HubSpot contact' }`. */
export type SourceNames = Record<string, string>;

const TRAIT_ORDER = [
  'email',
  'phone',
  'firstName',
  'lastName',
  'company',
  'jobTitle',
  'address',
  'tags',
  'emailConsent',
  'locale',
  'timezone',
];
const LABEL_WIDTH = 16;
const VALUE_WIDTH = 44;

export function formatProfile(
  title: string,
  profile: ProfileDetail,
  names: SourceNames,
  baseUrl: string,
): string[] {
  const lines = [`  ${title}`, `    ${baseUrl}/v1/profiles/${profile.id}`];
  for (const [trait, value] of traitRows(profile.traits)) {
    const source = profile.provenance[trait];
    const from = source
      ? `${names[source.connectionId] ?? source.connectionId} ${source.externalId}`
      : '';
    lines.push(`    ${trait.padEnd(LABEL_WIDTH)} ${pad(value, VALUE_WIDTH)} ← ${from}`);
  }
  const linking = profile.identifiers
    .filter((identifier) => identifier.type !== 'external')
    .map((identifier) => `${identifier.type} ${identifier.value}`)
    .sort();
  const sources = profile.sources
    .filter((source) => !source.deleted)
    .map((source) => `${names[source.connectionId] ?? source.connectionId} ${source.externalId}`)
    // The API lists sources in no promised order; sorted, the output reads the same every run.
    .sort();
  lines.push(`    ${'identifiers'.padEnd(LABEL_WIDTH)} ${linking.join(', ')}`);
  lines.push(`    ${'sources'.padEnd(LABEL_WIDTH)} ${sources.join(' + ')}`);
  return lines;
}

/** Canonical traits in a readable order; `custom` split per namespace as provenance keys it. */
function traitRows(traits: Record<string, unknown>): [string, string][] {
  const rows: [string, string][] = [];
  const names = [
    ...TRAIT_ORDER.filter((name) => name in traits),
    ...Object.keys(traits).filter((name) => !TRAIT_ORDER.includes(name) && name !== 'custom'),
  ];
  for (const name of names) {
    const value = render(traits[name]);
    if (value !== '') rows.push([name, value]);
  }
  const custom = traits.custom;
  if (custom && typeof custom === 'object') {
    for (const [namespace, values] of Object.entries(custom as Record<string, unknown>)) {
      rows.push([`custom.${namespace}`, render(values)]);
    }
  }
  return rows;
}

/** Address parts in the order people write them (JSONB hands keys back in its own order). */
const ADDRESS_PARTS = ['line1', 'line2', 'city', 'region', 'postalCode', 'country'];

function render(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(render).join(', ');
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(
      ([, v]) => v !== null && v !== undefined && v !== '',
    );
    if (entries.every(([key]) => ADDRESS_PARTS.includes(key))) {
      return entries
        .sort(([a], [b]) => ADDRESS_PARTS.indexOf(a) - ADDRESS_PARTS.indexOf(b))
        .map(([, v]) => render(v))
        .join(', ');
    }
    return entries.map(([key, v]) => `${key}=${render(v)}`).join(', ');
  }
  return String(value);
}

function pad(value: string, width: number): string {
  return value.length > width ? `${value.slice(0, width - 1)}…` : value.padEnd(width);
}

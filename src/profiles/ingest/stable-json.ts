import { sortedKeys } from './small-sort';

/**
 * JSON with object keys sorted at every level, so two records with the same content hash
 * the same whatever order the connector built their keys in. Runs for every record ingested,
 * hence plain loops rather than entries/filter/map chains.
 */
export function stableJson(value: unknown): string {
  // Already in canonical order (as normalizeTraits builds traits): the native serializer gives
  // the same text several times faster.
  return isCanonical(value) ? (JSON.stringify(value) ?? 'null') : sortedJson(value);
}

function sortedJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    // A hole stays empty, as it always has in these hashes (JSON input never has holes).
    for (let i = 0; i < value.length; i += 1) {
      out += (i === 0 ? '' : ',') + (i in value ? sortedJson(value[i]) : '');
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  for (const key of sortedKeys(record)) {
    const inner = record[key];
    if (inner === undefined) continue;
    out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${sortedJson(inner)}`;
  }
  return `${out}}`;
}

/**
 * True when JSON.stringify(value) equals sortedJson(value): only plain objects and arrays, every
 * object's keys in sorted order, and no integer-like key (V8 lists those first whatever the
 * insertion order). A top-level `undefined` serialises differently, so it does not qualify.
 */
function isCanonical(value: unknown): boolean {
  if (value === undefined) return false;
  return isCanonicalInner(value);
}

function isCanonicalInner(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return typeof value !== 'bigint';
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      if (!(i in value)) return false;
      if (value[i] !== undefined && !isCanonicalInner(value[i])) return false;
    }
    return true;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i];
    if (i > 0 && keys[i - 1] >= key) return false;
    const first = key.charCodeAt(0);
    if (first >= 48 && first <= 57) return false; // starts with a digit: possibly integer-like
    const inner = record[key];
    // JSON.stringify drops such keys where sortedJson writes null.
    if (typeof inner === 'function' || typeof inner === 'symbol') return false;
    if (inner !== undefined && !isCanonicalInner(inner)) return false;
  }
  return true;
}

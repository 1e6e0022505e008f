import type { JsonValue } from './connector.types';

/**
 * Small helpers every connector's `mapIn` and `mapOut` need, kept here so their semantics stay
 * the same across connectors. In `mapIn`, `undefined` means "the vendor said nothing" (the
 * trait is left out) and `null` means "the vendor says it is empty".
 */

/** Trims a vendor string; blank becomes `null`, absent stays `undefined`. */
export function cleanText(value: string | null | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** Sets `target[key]` only when the vendor said something about it. */
export function assignDefined<T extends object, K extends keyof T>(
  target: T,
  key: K,
  value: T[K] | undefined,
): void {
  if (value !== undefined) target[key] = value;
}

/** A vendor request body being built from mapped fields. */
export type VendorBody = { [key: string]: JsonValue };

/**
 * Sets a dot path (`address.city`, a mapped vendor field) in a vendor body, creating the
 * objects on the way and replacing anything in the way that is not one.
 *
 * Every segment is an own property of the body: the path comes from a connection's mapping
 * (admin input), and a segment such as `__proto__` must not reach through to a prototype
 * (`__proto__.x` would otherwise set `x` on every object of the worker process). Such a field
 * is sent to the vendor under its literal name, like any other field the vendor may refuse.
 */
export function setPath(body: VendorBody, path: string, value: JsonValue): void {
  const parts = path.split('.');
  let target = body;
  for (const part of parts.slice(0, -1)) {
    const next = Object.hasOwn(target, part) ? target[part] : undefined;
    if (next === null || next === undefined || typeof next !== 'object' || Array.isArray(next)) {
      defineOwn(target, part, {});
    }
    target = target[part] as VendorBody;
  }
  defineOwn(target, parts[parts.length - 1], value);
}

/** `target[key] = value` as an own data property, whatever the key (`__proto__` included). */
function defineOwn(target: VendorBody, key: string, value: JsonValue): void {
  Object.defineProperty(target, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

/** A vendor timestamp in any format `Date` reads, as ISO 8601 UTC; undefined when unreadable. */
export function toIsoTime(value: string): string | undefined {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

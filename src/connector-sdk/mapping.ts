/**
 * Small helpers every connector's `mapIn` needs, kept here so their semantics stay the same
 * across connectors: `undefined` means "the vendor said nothing" (the trait is left out),
 * `null` means "the vendor says it is empty".
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

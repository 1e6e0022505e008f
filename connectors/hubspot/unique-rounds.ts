/**
 * Splits `items` into rounds in which no key repeats, keeping their order. HubSpot refuses a
 * whole batch that names one record twice ("Duplicate IDs found in batch input"), and two
 * profiles can point at one contact (a shared email, a contact both were linked to).
 */
export function uniqueRounds<T>(items: readonly T[], keyOf: (item: T) => string): T[][] {
  const rounds: T[][] = [];
  const keys: Set<string>[] = [];
  for (const item of items) {
    const key = keyOf(item);
    let round = keys.findIndex((seen) => !seen.has(key));
    if (round < 0) {
      round = rounds.length;
      rounds.push([]);
      keys.push(new Set());
    }
    rounds[round].push(item);
    keys[round].add(key);
  }
  return rounds;
}

/** `items` in slices of at most `size`. */
export function slices<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

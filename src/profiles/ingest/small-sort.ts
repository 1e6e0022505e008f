/** Above this length insertion sort's quadratic cost outweighs what it saves. */
const INSERTION_SORT_MAX = 32;

/**
 * In-place sort for the short arrays of the ingest path (an object's keys, a record's
 * identifiers, a profile's sources). Array.prototype.sort allocates its scratch state on every
 * call, whatever the length, and per record that added up to most of the garbage ingest made;
 * insertion sort allocates nothing and is fastest at these sizes. Longer arrays use the built-in.
 */
export function smallSort<T>(items: T[], compare: (a: T, b: T) => number = compareText): T[] {
  if (items.length > INSERTION_SORT_MAX) return items.sort(compare);
  for (let i = 1; i < items.length; i += 1) {
    const item = items[i];
    let j = i - 1;
    while (j >= 0 && compare(items[j], item) > 0) {
      items[j + 1] = items[j];
      j -= 1;
    }
    items[j + 1] = item;
  }
  return items;
}

/** The built-in sort's default order for strings (UTF-16 code units). */
function compareText<T>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `Object.keys(record)`, sorted. */
export function sortedKeys(record: object): string[] {
  return smallSort(Object.keys(record));
}

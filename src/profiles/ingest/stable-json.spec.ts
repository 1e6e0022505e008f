import fc from 'fast-check';
import { stableJson } from './stable-json';

/** The definition: keys sorted at every level, undefined members left out. */
function reference(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, inner]) => inner !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${reference(inner)}`).join(',')}}`;
}

describe('stableJson', () => {
  it('sorts keys at every level and drops undefined members', () => {
    expect(stableJson({ b: 1, a: { d: [1, undefined], c: 'x' }, e: undefined })).toBe(
      '{"a":{"c":"x","d":[1,null]},"b":1}',
    );
  });

  it('is the same text however the keys were ordered, including integer-like keys', () => {
    expect(stableJson({ '10': 'a', '2': 'b', x: 1 })).toBe('{"10":"a","2":"b","x":1}');
    expect(stableJson({ x: 1, '2': 'b', '10': 'a' })).toBe(
      stableJson({ '10': 'a', '2': 'b', x: 1 }),
    );
  });

  it('matches the definition for any JSON-like value (native fast path or not)', () => {
    const sortedCopy = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(sortedCopy);
      if (value === null || typeof value !== 'object') return value;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value).sort()) {
        // defineProperty: a plain assignment to `__proto__` would set the prototype instead.
        Object.defineProperty(out, key, {
          value: sortedCopy((value as Record<string, unknown>)[key]),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    };
    fc.assert(
      fc.property(
        fc.anything({
          withNullPrototype: true,
          withBoxedValues: true,
          withSparseArray: true,
          withDate: true,
          withMap: true,
          withSet: true,
        }),
        (value) => {
          expect(stableJson(value)).toBe(reference(value));
          expect(stableJson(sortedCopy(value))).toBe(reference(value));
        },
      ),
      { numRuns: 5000 },
    );
  });
});

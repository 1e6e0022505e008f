import { slices, uniqueRounds } from './unique-rounds';

describe('uniqueRounds', () => {
  it('keeps order and puts a repeated key in a later round', () => {
    expect(uniqueRounds(['a', 'b', 'A', 'c', 'a', 'a'], (s) => s.toLowerCase())).toEqual([
      ['a', 'b', 'c'],
      ['A'],
      ['a'],
      ['a'],
    ]);
    expect(uniqueRounds([], String)).toEqual([]);
  });

  it('slices', () => {
    expect(slices([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });
});

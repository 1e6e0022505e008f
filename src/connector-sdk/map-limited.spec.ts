import { mapLimited } from './map-limited';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('mapLimited', () => {
  it('keeps at most `limit` calls in flight and returns results in input order', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapLimited([5, 1, 4, 2, 3], 2, async (n) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      for (let i = 0; i < n; i++) await tick();
      inFlight -= 1;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });

  it('starts no call after a failure, lets the running ones finish, then rethrows the first', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    await expect(
      mapLimited([1, 2, 3, 4], 2, async (n) => {
        started.push(n);
        await tick();
        if (n === 1) throw new Error('first');
        if (n === 2) throw new Error('second');
        finished.push(n);
        return n;
      }),
    ).rejects.toThrow('first');
    expect(started).toEqual([1, 2]);
    expect(finished).toEqual([]);
  });

  it('returns nothing for nothing', async () => {
    await expect(mapLimited([], 4, async () => 1)).resolves.toEqual([]);
  });
});

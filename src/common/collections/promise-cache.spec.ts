import { PromiseCache } from './promise-cache';

describe('PromiseCache', () => {
  it('shares one load per key until it expires', async () => {
    const cache = new PromiseCache<number>(1000, 10);
    let loads = 0;
    const load = async () => (loads += 1);
    await Promise.all([cache.get('a', load, 0), cache.get('a', load, 500)]);
    expect(loads).toBe(1);
    expect(await cache.get('a', load, 1000)).toBe(2);
  });

  it('keeps no failed load, and drops the oldest entry beyond its size', async () => {
    const cache = new PromiseCache<string>(1000, 2);
    await expect(cache.get('a', () => Promise.reject(new Error('down')), 0)).rejects.toThrow();
    expect(await cache.get('a', async () => 'up', 1)).toBe('up');
    await cache.get('b', async () => 'b', 2);
    await cache.get('c', async () => 'c', 3);
    expect(await cache.get('a', async () => 'reloaded', 4)).toBe('reloaded');
  });
});

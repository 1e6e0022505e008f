import { settleAll } from './settle-all';

describe('settleAll', () => {
  it('keeps order and bounds concurrency', async () => {
    let running = 0;
    let peak = 0;
    const { results, error } = await settleAll([1, 2, 3, 4, 5, 6], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5 * (7 - n)));
      running--;
      return n * 10;
    });
    expect(error).toBeUndefined();
    expect(results).toEqual([10, 20, 30, 40, 50, 60]);
    expect(peak).toBe(2);
  });

  it('waits for started tasks, starts no new one after a failure, and reports it', async () => {
    const started: number[] = [];
    const { results, error } = await settleAll([1, 2, 3, 4], 2, async (n) => {
      started.push(n);
      if (n === 1) throw new Error('boom');
      await new Promise((resolve) => setTimeout(resolve, 10));
      return n;
    });
    expect((error as Error).message).toBe('boom');
    expect(started).toEqual([1, 2]);
    expect(results).toEqual([undefined, 2, undefined, undefined]);
  });
});

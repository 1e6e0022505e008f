import { MicroBatcher, MicroBatcherClosedError, Settled } from './micro-batcher';

const doubled = async (items: number[]): Promise<Settled<number>[]> =>
  items.map((n) =>
    n < 0 ? { ok: false, error: new Error(`bad ${n}`) } : { ok: true, value: n * 2 },
  );

describe('MicroBatcher', () => {
  afterEach(() => jest.useRealTimers());

  it('flushes as soon as maxItems wait, without waiting for the timer', async () => {
    const flush = jest.fn(doubled);
    const batcher = new MicroBatcher(flush, { maxItems: 3, maxWaitMs: 60_000 });
    const results = await Promise.all([1, 2, 3].map((n) => batcher.submit(n)));
    expect(results).toEqual([2, 4, 6]);
    expect(flush).toHaveBeenCalledTimes(1);
    expect(flush).toHaveBeenCalledWith([1, 2, 3]);
  });

  it('flushes a partial batch maxWaitMs after its first item', async () => {
    jest.useFakeTimers();
    const flush = jest.fn(doubled);
    const batcher = new MicroBatcher(flush, { maxItems: 100, maxWaitMs: 20 });
    const first = batcher.submit(1);
    jest.advanceTimersByTime(10);
    const second = batcher.submit(2);
    expect(flush).not.toHaveBeenCalled();
    jest.advanceTimersByTime(10);
    expect(flush).toHaveBeenCalledWith([1, 2]);
    await expect(Promise.all([first, second])).resolves.toEqual([2, 4]);
    expect(batcher.waiting).toBe(0);
  });

  it('with maxWaitMs 0, sends what was submitted in the same turn together, right after it', async () => {
    const flush = jest.fn(doubled);
    const batcher = new MicroBatcher(flush, { maxItems: 100, maxWaitMs: 0 });
    const first = Promise.all([batcher.submit(1), batcher.submit(2)]);
    expect(flush).not.toHaveBeenCalled();
    await expect(first).resolves.toEqual([2, 4]);
    await batcher.submit(3);
    expect(flush.mock.calls).toEqual([[[1, 2]], [[3]]]);
  });

  it("settles each submitter with its own item's outcome", async () => {
    const batcher = new MicroBatcher(doubled, { maxItems: 3, maxWaitMs: 1000 });
    const outcomes = await Promise.allSettled([5, -1, 7].map((n) => batcher.submit(n)));
    expect(outcomes).toEqual([
      { status: 'fulfilled', value: 10 },
      { status: 'rejected', reason: new Error('bad -1') },
      { status: 'fulfilled', value: 14 },
    ]);
  });

  it('fails every item when the flush itself throws', async () => {
    const batcher = new MicroBatcher<number, number>(
      async () => {
        throw new Error('database down');
      },
      { maxItems: 2, maxWaitMs: 1000 },
    );
    const outcomes = await Promise.allSettled([1, 2].map((n) => batcher.submit(n)));
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
  });

  it('runs several flushes at once: a batch fills while the previous one is written', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const started: number[][] = [];
    const batcher = new MicroBatcher<number, number>(
      async (items) => {
        started.push(items);
        await gate;
        return items.map((n) => ({ ok: true, value: n }));
      },
      { maxItems: 2, maxWaitMs: 1000 },
    );
    const all = [1, 2, 3, 4].map((n) => batcher.submit(n));
    expect(started).toEqual([
      [1, 2],
      [3, 4],
    ]);
    release();
    await expect(Promise.all(all)).resolves.toEqual([1, 2, 3, 4]);
  });

  it('runs at most maxConcurrent flushes; a due batch goes when a slot frees', async () => {
    const gates: (() => void)[] = [];
    const started: number[][] = [];
    let running = 0;
    let mostAtOnce = 0;
    const batcher = new MicroBatcher<number, number>(
      async (items) => {
        started.push(items);
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running -= 1;
        return items.map((n) => ({ ok: true, value: n }));
      },
      { maxItems: 2, maxWaitMs: 5, maxConcurrent: 1 },
    );
    const all = [1, 2, 3, 4, 5].map((n) => batcher.submit(n));
    expect(started).toEqual([[1, 2]]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(started).toHaveLength(1);
    while (gates.length > 0 || started.length < 3) {
      gates.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    gates.shift()?.();
    await expect(Promise.all(all)).resolves.toEqual([1, 2, 3, 4, 5]);
    expect(started).toEqual([[1, 2], [3, 4], [5]]);
    expect(mostAtOnce).toBe(1);
  });

  it('on close, flushes what waits, waits for running flushes, and refuses new items', async () => {
    const flush = jest.fn(doubled);
    const batcher = new MicroBatcher(flush, { maxItems: 100, maxWaitMs: 60_000 });
    const pending = batcher.submit(21);
    await batcher.close();
    await expect(pending).resolves.toBe(42);
    await expect(batcher.submit(1)).rejects.toBeInstanceOf(MicroBatcherClosedError);
    expect(flush).toHaveBeenCalledTimes(1);
  });
});

/** One item's outcome of a flush: its own value or its own error. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: Error };

export interface MicroBatcherOptions {
  /** Flush as soon as this many items wait; no flush holds more. */
  maxItems: number;
  /**
   * Flush this long after the first item of a batch arrived, however few wait. 0 flushes
   * right after the current turn of the event loop (`setImmediate`): everything submitted
   * together goes together, and a lone item waits for nothing.
   */
  maxWaitMs: number;
  /**
   * Flushes running at once (default: no limit). A batch that is due while this many run
   * goes as soon as one finishes, and keeps filling meanwhile.
   */
  maxConcurrent?: number;
}

export class MicroBatcherClosedError extends Error {
  constructor() {
    super('The batcher is shut down; the item was not processed');
    this.name = 'MicroBatcherClosedError';
  }
}

interface Pending<In, Out> {
  item: In;
  resolve(value: Out): void;
  reject(error: Error): void;
}

/**
 * Gathers items submitted one by one (one per queue job, one per HTTP request) into batches
 * for one bulk call, and settles each submitter with its own item's outcome.
 */
export class MicroBatcher<In, Out> {
  private pending: Pending<In, Out>[] = [];
  private cancelTimer: (() => void) | undefined;
  /** A batch is due but every flush slot was busy. */
  private due = false;
  private readonly running = new Set<Promise<void>>();
  private closed = false;

  /**
   * @param flush settles the batch: one entry per item, in order. A rejection fails every item.
   */
  constructor(
    private readonly flush: (items: In[]) => Promise<Settled<Out>[]>,
    private readonly options: MicroBatcherOptions,
  ) {}

  submit(item: In): Promise<Out> {
    if (this.closed) return Promise.reject(new MicroBatcherClosedError());
    return new Promise<Out>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.options.maxItems) this.flushDue();
      else if (!this.due) this.cancelTimer ??= this.schedule();
    });
  }

  /** Items waiting for their batch (for tests and shutdown). */
  get waiting(): number {
    return this.pending.length;
  }

  /** Flushes what waits, refuses new items, and resolves once every flush has settled. */
  async close(): Promise<void> {
    this.closed = true;
    this.flushDue();
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  private schedule(): () => void {
    if (this.options.maxWaitMs === 0) {
      const immediate = setImmediate(() => this.flushDue());
      return () => clearImmediate(immediate);
    }
    const timer = setTimeout(() => this.flushDue(), this.options.maxWaitMs);
    return () => clearTimeout(timer);
  }

  /** A batch should go now (full, waited long enough, or closing). */
  private flushDue(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (this.running.size >= (this.options.maxConcurrent ?? Infinity)) {
      this.due = this.pending.length > 0;
      return;
    }
    this.due = false;
    const batch = this.pending.splice(0, this.options.maxItems);
    if (batch.length > 0) this.start(batch);
    this.planRest();
  }

  /** What still waits after a flush started or finished: another flush, or a timer. */
  private planRest(): void {
    if (this.pending.length === 0) return;
    if (this.due || this.closed || this.pending.length >= this.options.maxItems) this.flushDue();
    else this.cancelTimer ??= this.schedule();
  }

  private start(batch: Pending<In, Out>[]): void {
    const run = this.settle(batch).finally(() => {
      this.running.delete(run);
      this.planRest();
    });
    this.running.add(run);
  }

  private async settle(batch: Pending<In, Out>[]): Promise<void> {
    let outcomes: Settled<Out>[];
    try {
      outcomes = await this.flush(batch.map((entry) => entry.item));
    } catch (error) {
      for (const entry of batch) entry.reject(error as Error);
      return;
    }
    batch.forEach((entry, i) => {
      const outcome = outcomes[i];
      if (!outcome) entry.reject(new Error('The batch produced no outcome for this item'));
      else if (outcome.ok) entry.resolve(outcome.value);
      else entry.reject(outcome.error);
    });
  }
}

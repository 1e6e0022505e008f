/**
 * Runs `task` over `items`, at most `concurrency` at a time, and waits for every started task
 * to settle. After the first failure no new task starts: the caller throws the failure and
 * the runtime retries the whole call, so further requests would only be repeated.
 * Results keep the order of `items`; tasks never started are `undefined`.
 */
export async function settleAll<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<R>,
): Promise<{ results: (R | undefined)[]; error?: unknown }> {
  const results: (R | undefined)[] = new Array(items.length).fill(undefined);
  let next = 0;
  let failed = false;
  let error: unknown;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await task(items[index]);
      } catch (caught) {
        if (!failed) error = caught;
        failed = true;
      }
    }
  };
  const workers = Math.max(1, Math.min(concurrency, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return failed ? { results, error } : { results };
}

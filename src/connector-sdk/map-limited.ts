/**
 * `fn` over `items` with at most `limit` calls in flight, results in input order: for
 * connectors whose vendor takes one record per request (Mailchimp members, Zendesk users).
 * After the first failure no new call starts (the runtime retries the whole batch, so further
 * requests would only be repeated); the calls already running finish, so none is left behind
 * a failed write, and then the first failure is rethrown.
 */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (!failure && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index]);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
  return results;
}

/** How often the waits below look again. */
const POLL_MS = 100;

/**
 * Polls `probe` until it returns a value (not undefined) and resolves with it; fails naming
 * `what` after `timeoutMs` (generous: only a failing test waits that long). For end-to-end
 * tests waiting on queues and workers.
 */
export async function waitForValue<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Polls `condition` until it holds; fails after `timeoutMs`. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  await waitForValue(
    'the condition',
    async () => ((await condition()) ? true : undefined),
    timeoutMs,
  );
}

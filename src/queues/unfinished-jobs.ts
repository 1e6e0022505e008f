import type { Queue } from 'bullmq';

/** Keys scanned per SCAN call: few calls, each short enough not to stall Redis. */
const SCAN_COUNT = 1000;

/**
 * Whether `queue` still holds a job whose id starts with `idPrefix` and has not completed:
 * waiting, delayed, active, or failed and not yet moved to the dead letters (the sweeper
 * removes those from Redis). BullMQ keeps no index by id prefix, so this scans the queue's
 * keys: meant for rare checks, and it stops at the first unfinished job.
 */
export async function hasUnfinishedJob(queue: Queue, idPrefix: string): Promise<boolean> {
  // Syncline connects to one Redis server (no Cluster), whose SCAN sees every key.
  const client = await queue.client;
  const keyPrefix = `${queue.qualifiedName}:`;
  const pattern = `${escapeGlob(keyPrefix + idPrefix)}*`;
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, { MATCH: pattern, COUNT: SCAN_COUNT });
    cursor = next;
    for (const key of keys) {
      const jobId = key.slice(keyPrefix.length);
      // A job's own hash is `<queue>:<id>`; `<queue>:<id>:lock`, `:logs` and the like are not jobs.
      if (jobId.includes(':')) continue;
      const state = await queue.getJobState(jobId);
      if (state !== 'completed' && state !== 'unknown') return true;
    }
  } while (cursor !== '0');
  return false;
}

/** Escapes Redis glob characters, so a prefix matches only itself. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

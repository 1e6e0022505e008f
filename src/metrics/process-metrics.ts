import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * prom-client's process and Node.js metrics (CPU, memory, event-loop lag, GC, handles) under
 * the `syncline_` prefix, the same names in the API and in every worker.
 */
export function collectProcessMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry, prefix: 'syncline_' });
}

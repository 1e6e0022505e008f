import type { QueryRunner } from 'typeorm';

/**
 * Survivorship reads connection priorities through this port, so the profile store does not
 * reach into the connections feature's tables or services. Higher numbers win; null means the
 * connection has no priority and recency decides.
 */
export interface ConnectionPriorities {
  /**
   * @param runner the caller's transaction: the lookup must run on its connection, since a
   *   second pooled connection per ingest can exhaust the pool while every ingest waits.
   */
  get(connectionIds: string[], runner: QueryRunner): Promise<Map<string, number | null>>;
}

export const CONNECTION_PRIORITIES = Symbol('CONNECTION_PRIORITIES');

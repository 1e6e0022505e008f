import type { QueryRunner } from 'typeorm';
import type { PartialTraitsLookup, PriorityLookup } from '../survivorship/compute-traits';

/** What survivorship needs to know about the connections of a profile's sources. */
export interface ConnectionRanks {
  /** Higher numbers win; null means the connection has no priority and recency decides. */
  priorities: PriorityLookup;
  /** Connections whose connector holds only part of a structured trait (an address without line 2). */
  partialTraits: PartialTraitsLookup;
}

/**
 * Survivorship reads connection priorities and connector capabilities through this port, so
 * the profile store does not reach into the connections feature's tables or services.
 */
export interface ConnectionRanking {
  /**
   * @param runner the caller's transaction: the lookup must run on its connection, since a
   *   second pooled connection per ingest can exhaust the pool while every ingest waits.
   */
  get(connectionIds: string[], runner: QueryRunner): Promise<ConnectionRanks>;
}

export const CONNECTION_RANKING = Symbol('CONNECTION_RANKING');

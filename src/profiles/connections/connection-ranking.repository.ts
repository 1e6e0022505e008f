import { Injectable, Optional } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import { ConnectorRegistry } from '../../connector-registry/connector-registry';
import { ConnectionRanking, ConnectionRanks } from './connection-ranking';

/**
 * Default `ConnectionRanking`: one indexed query on the `connection` table, and each
 * connector's manifest for the traits it holds only part of. Without a registry (the store
 * used on its own, as the ingest bench does) every connector counts as holding whole traits.
 */
@Injectable()
export class ConnectionRankingRepository implements ConnectionRanking {
  constructor(@Optional() private readonly registry?: ConnectorRegistry) {}

  async get(connectionIds: string[], runner: QueryRunner): Promise<ConnectionRanks> {
    const priorities = new Map<string, number | null>();
    const partialTraits = new Map<string, Readonly<Record<string, readonly string[]>>>();
    if (connectionIds.length === 0) return { priorities, partialTraits };
    const rows = (await runner.query(
      `SELECT id, priority, connector FROM connection WHERE id = ANY($1::uuid[])`,
      [connectionIds],
    )) as { id: string; priority: number | null; connector: string }[];
    for (const row of rows) {
      priorities.set(row.id, row.priority);
      const partial = this.registry?.has(row.connector)
        ? this.registry.get(row.connector).manifest.partialTraits
        : undefined;
      if (partial) partialTraits.set(row.id, partial);
    }
    return { priorities, partialTraits };
  }
}

import { Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import { ConnectionPriorities } from './connection-priorities';

/** Default `ConnectionPriorities`: one indexed query on the `connection` table. */
@Injectable()
export class ConnectionPriorityRepository implements ConnectionPriorities {
  async get(connectionIds: string[], runner: QueryRunner): Promise<Map<string, number | null>> {
    if (connectionIds.length === 0) return new Map();
    const rows = (await runner.query(
      `SELECT id, priority FROM connection WHERE id = ANY($1::uuid[])`,
      [connectionIds],
    )) as { id: string; priority: number | null }[];
    return new Map(rows.map((row) => [row.id, row.priority]));
  }
}

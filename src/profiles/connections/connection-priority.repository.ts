import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConnectionPriorities } from './connection-priorities';

/** Default `ConnectionPriorities`: one indexed query on the `connection` table. */
@Injectable()
export class ConnectionPriorityRepository implements ConnectionPriorities {
  constructor(private readonly dataSource: DataSource) {}

  async get(connectionIds: string[]): Promise<Map<string, number | null>> {
    if (connectionIds.length === 0) return new Map();
    const rows = (await this.dataSource.query(
      `SELECT id, priority FROM connection WHERE id = ANY($1::uuid[])`,
      [connectionIds],
    )) as { id: string; priority: number | null }[];
    return new Map(rows.map((row) => [row.id, row.priority]));
  }
}

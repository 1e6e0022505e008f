import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface VanishedRecord {
  externalId: string;
  vendorUpdatedAt: Date;
}

/**
 * Live source records of the connection the run did not see, received before $3 (see
 * SyncEngine: the read's start, less the vendor's full-read lag). Parameters: $1 connection,
 * $2 run, $3 that time.
 */
const VANISHED_WHERE = `s.connection_id = $1 AND NOT s.deleted AND s.received_at < $3
  AND NOT EXISTS (SELECT 1 FROM sync_run_seen v WHERE v.run_id = $2 AND v.external_id = s.external_id)`;

/**
 * Finds what a full read no longer returned: live source records of the connection that
 * the run did not see. Reads the profile store's `source_record` table; deletions themselves
 * go through `ProfileStore.ingest` like any other record, so the change log sees them.
 */
@Injectable()
export class VanishedRecordsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** One page, by external id. */
  async page(
    connectionId: string,
    runId: string,
    judgedBefore: Date,
    afterExternalId: string,
    limit: number,
  ): Promise<VanishedRecord[]> {
    const rows = await this.db.query<{ external_id: string; vendor_updated_at: Date }[]>(
      `SELECT s.external_id, s.vendor_updated_at FROM source_record s
       WHERE ${VANISHED_WHERE} AND s.external_id > $4
       ORDER BY s.external_id LIMIT $5`,
      [connectionId, runId, judgedBefore, afterExternalId, limit],
    );
    return rows.map((row) => ({
      externalId: row.external_id,
      vendorUpdatedAt: row.vendor_updated_at,
    }));
  }

  /** How many records `page` would go through: what the deletion pass would delete. */
  async count(connectionId: string, runId: string, judgedBefore: Date): Promise<number> {
    const [row] = await this.db.query<{ count: string }[]>(
      `SELECT count(*) FROM source_record s WHERE ${VANISHED_WHERE}`,
      [connectionId, runId, judgedBefore],
    );
    return Number(row.count);
  }

  /** The connection's live (not deleted) source records. */
  async countHeld(connectionId: string): Promise<number> {
    const [row] = await this.db.query<{ count: string }[]>(
      `SELECT count(*) FROM source_record WHERE connection_id = $1 AND NOT deleted`,
      [connectionId],
    );
    return Number(row.count);
  }

  /** The seen set is only needed until deletions are queued. */
  async forgetSeen(runId: string): Promise<void> {
    await this.db.query(`DELETE FROM sync_run_seen WHERE run_id = $1`, [runId]);
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, QueryRunner } from 'typeorm';
import { queryRows } from '../database/query-rows';

export interface OutboxChange {
  seq: string;
  tx: string;
  profileId: string;
  kind: string;
  mergedIds: string[];
}

export interface Destination {
  id: string;
  connector: string;
  propagateErase: boolean;
}

/** The relay's reads of the change log and its position, inside the relay's transaction. */
@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() readonly db: DataSource) {}

  /**
   * Locks the relay position. Null when another relay holds it: only one relay moves at a time.
   */
  async lockPosition(runner: QueryRunner): Promise<{ tx: string; seq: string } | null> {
    const [row] = await queryRows<{ last_tx: string; last_seq: string }>(
      runner,
      `SELECT last_tx::text, last_seq::text FROM outbox_position WHERE relay = 'outbound'
       FOR UPDATE SKIP LOCKED`,
    );
    return row ? { tx: row.last_tx, seq: row.last_seq } : null;
  }

  /**
   * The oldest transaction id still running in this database (as xid8), or the next id to be
   * assigned when none is. Every change committed from now on comes from a transaction at or
   * above it. Scoped to this database (not the cluster-wide snapshot horizon), so a long
   * transaction in another database on the same server does not hold outbound back.
   *
   * Must run as its own statement before `changesAfter`: that statement's snapshot is then
   * taken after every transaction below the horizon had finished, so it sees all their rows.
   */
  async horizon(runner: QueryRunner): Promise<string> {
    const [row] = await queryRows<{ horizon: string }>(
      runner,
      // backend_xid is a 32-bit xid; it is widened to xid8 against the next xid's epoch.
      `WITH next AS (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::numeric AS xid),
            running AS (
              SELECT min(next.xid - ((next.xid % 4294967296) - a.backend_xid::text::numeric
                                     + 4294967296) % 4294967296) AS xid
              FROM pg_stat_activity a, next
              WHERE a.datname = current_database() AND a.backend_xid IS NOT NULL
                AND a.pid <> pg_backend_pid())
       SELECT coalesce(running.xid, next.xid)::text AS horizon FROM next, running`,
    );
    return row.horizon;
  }

  /** The next changes after the position, from transactions below the horizon. */
  async changesAfter(
    runner: QueryRunner,
    position: { tx: string; seq: string },
    horizon: string,
    limit: number,
  ): Promise<OutboxChange[]> {
    const rows = await queryRows<{
      seq: string;
      tx: string;
      profile_id: string;
      kind: string;
      merged_ids: string[] | null;
    }>(
      runner,
      `SELECT seq::text, tx::text, profile_id, kind,
              ARRAY(SELECT json_array_elements_text(changes->'mergedIds')) AS merged_ids
       FROM profile_change
       WHERE (tx, seq) > ($1::xid8, $2::bigint) AND tx < $3::xid8
       ORDER BY tx, seq
       LIMIT $4`,
      [position.tx, position.seq, horizon, limit],
    );
    return rows.map((row) => ({
      seq: row.seq,
      tx: row.tx,
      profileId: row.profile_id,
      kind: row.kind,
      mergedIds: row.merged_ids ?? [],
    }));
  }

  async savePosition(runner: QueryRunner, position: { tx: string; seq: string }): Promise<void> {
    await runner.query(
      `UPDATE outbox_position SET last_tx = $1::xid8, last_seq = $2::bigint, updated_at = now()
       WHERE relay = 'outbound'`,
      [position.tx, position.seq],
    );
  }

  /** Enabled connections that receive profiles. */
  async destinations(runner: QueryRunner): Promise<Destination[]> {
    const rows = await queryRows<{ id: string; connector: string; propagate_erase: boolean }>(
      runner,
      `SELECT id, connector, propagate_erase FROM connection
       WHERE enabled AND direction IN ('push', 'both') ORDER BY id`,
    );
    return rows.map((row) => ({
      id: row.id,
      connector: row.connector,
      propagateErase: row.propagate_erase,
    }));
  }

  /** Destinations holding a person (push state) among `profileIds`, for erase propagation. */
  async heldBy(
    runner: QueryRunner,
    profileIds: string[],
  ): Promise<{ connectionId: string; profileId: string }[]> {
    const rows = await queryRows<{ connection_id: string; profile_id: string }>(
      runner,
      `SELECT connection_id, profile_id FROM push_state WHERE profile_id = ANY($1::uuid[])`,
      [profileIds],
    );
    return rows.map((row) => ({ connectionId: row.connection_id, profileId: row.profile_id }));
  }
}

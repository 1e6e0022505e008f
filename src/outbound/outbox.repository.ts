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
  /** `outvoted`: the connections whose records lost, the only ones that need putting right. */
  outvotedConnectionIds: string[];
}

export interface Destination {
  id: string;
  connector: string;
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
   * assigned when none is older. Every change committed from now on comes from a transaction
   * at or above it. Scoped to this database (not the cluster-wide snapshot xmin), so a long
   * transaction in another database on the same server does not hold outbound back.
   *
   * `next` is the snapshot's xmax (the latest finished id + 1), not the next id handed out:
   * transactions that took their ids after the latest commit run with ids at or above it, so
   * the horizon is the lower of the two. Rows of those transactions are not read yet, which
   * keeps one whose id is below a later commit's from being passed over.
   *
   * Must run as its own statement before `changesAfter`, and before anything else in the
   * transaction reads pg_stat_activity (it is read once per transaction): the snapshot here
   * is taken before the running ids are read, and `changesAfter`'s after every transaction
   * below the horizon had finished, so it sees all their rows.
   */
  async horizon(runner: QueryRunner): Promise<string> {
    const [row] = await queryRows<{ horizon: string }>(
      runner,
      // backend_xid is a 32-bit xid; it is widened to xid8 by its signed distance from the
      // next id's low 32 bits (running ids are within 2^31 of it), so an id just above `next`
      // or across an epoch boundary lands where it belongs.
      `WITH next AS (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::numeric AS xid),
            running AS (
              SELECT min(next.xid
                         + mod(a.backend_xid::text::numeric - mod(next.xid, 4294967296)
                               + 6442450944, 4294967296)
                         - 2147483648) AS xid
              FROM pg_stat_activity a, next
              WHERE a.datname = current_database() AND a.backend_xid IS NOT NULL
                AND a.pid <> pg_backend_pid())
       SELECT least(next.xid, running.xid)::text AS horizon FROM next, running`,
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
      outvoted_connection_ids: string[] | null;
    }>(
      runner,
      `SELECT seq::text, tx::text, profile_id, kind,
              ARRAY(SELECT json_array_elements_text(changes->'mergedIds')) AS merged_ids,
              ARRAY(SELECT loser->>'connectionId' FROM json_array_elements(changes->'outvoted') loser)
                AS outvoted_connection_ids
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
      outvotedConnectionIds: row.outvoted_connection_ids ?? [],
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
    return queryRows<Destination>(
      runner,
      `SELECT id, connector FROM connection
       WHERE enabled AND direction IN ('push', 'both') ORDER BY id`,
    );
  }

  /**
   * Connections holding a person (push state) among `profileIds`, for erase propagation:
   * every one, enabled or not, so that what we kept about the person goes too.
   */
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

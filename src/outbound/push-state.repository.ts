import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { VendorFields } from '../connector-sdk/connector.types';
import type { CanonicalTraits } from '../profiles/canonical/canonical-traits';
import { queryRows, queryRowsOn } from '../database/query-rows';
import type { SentValues } from '../profiles/survivorship/sent-values';
import type { StoredProvenance } from '../profiles/survivorship/stored-provenance';

/** What a destination holds for one profile, as far as Syncline knows. */
export interface PushState {
  profileId: string;
  externalId: string | null;
  fields: VendorFields;
  status: 'ok' | 'failed';
  error: string | null;
  pushedAt: Date | null;
  attemptedAt: Date;
}

export interface PushTarget {
  id: string;
  status: 'active' | 'closed' | 'merged';
  mergedInto: string | null;
  traits: CanonicalTraits;
  provenance: StoredProvenance;
}

/** The latest live record a connection gave us for a profile. */
export interface HeldRecord {
  profileId: string;
  externalId: string;
  traits: CanonicalTraits;
  receivedAt: Date;
}

export type PushStateWrite = Omit<PushState, 'attemptedAt'>;

/** Reads what a push needs (profiles, the destination's own records, push state) and records outcomes. */
@Injectable()
export class PushStateRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async profiles(ids: string[]): Promise<PushTarget[]> {
    const rows = await queryRowsOn<{
      id: string;
      status: PushTarget['status'];
      merged_into: string | null;
      traits: CanonicalTraits;
      provenance: StoredProvenance;
    }>(
      this.db,
      `SELECT id, status, merged_into, traits, provenance FROM profile WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return rows.map((row) => ({
      id: row.id,
      status: row.status,
      mergedInto: row.merged_into,
      traits: row.traits,
      provenance: row.provenance,
    }));
  }

  /**
   * The record each profile's write will go to, as the connection last sent it: the one with
   * the external id we write to when that is known, else the latest live one. A base taken
   * from another of the person's records there would diff against values that record holds.
   */
  async heldRecords(
    connectionId: string,
    targets: { profileId: string; externalId: string | null }[],
  ): Promise<Map<string, HeldRecord>> {
    const rows = await queryRowsOn<{
      profile_id: string;
      external_id: string;
      traits: CanonicalTraits;
      received_at: Date;
    }>(
      this.db,
      `SELECT DISTINCT ON (r.profile_id) r.profile_id, r.external_id, r.traits, r.received_at
       FROM unnest($2::uuid[], $3::text[]) AS t (profile_id, external_id)
       JOIN source_record r ON r.connection_id = $1 AND r.profile_id = t.profile_id
         AND (t.external_id IS NULL OR r.external_id = t.external_id)
       WHERE NOT r.deleted
       ORDER BY r.profile_id, r.received_at DESC`,
      [
        connectionId,
        targets.map((target) => target.profileId),
        targets.map((target) => target.externalId),
      ],
    );
    return new Map(
      rows.map((row) => [
        row.profile_id,
        {
          profileId: row.profile_id,
          externalId: row.external_id,
          traits: row.traits,
          receivedAt: row.received_at,
        },
      ]),
    );
  }

  async states(connectionId: string, profileIds: string[]): Promise<Map<string, PushState>> {
    const rows = await queryRowsOn<PushStateRow>(
      this.db,
      `SELECT * FROM push_state WHERE connection_id = $1 AND profile_id = ANY($2::uuid[])`,
      [connectionId, profileIds],
    );
    return new Map(rows.map((row) => [row.profile_id, toPushState(row)]));
  }

  /** Every destination's state for a profile, for the profile API. */
  async statesOfProfile(profileId: string): Promise<(PushState & { connectionId: string })[]> {
    const rows = await queryRowsOn<PushStateRow>(
      this.db,
      `SELECT * FROM push_state WHERE profile_id = $1 ORDER BY connection_id`,
      [profileId],
    );
    return rows.map((row) => ({ ...toPushState(row), connectionId: row.connection_id }));
  }

  /**
   * Records what the destination now holds.
   *
   * @returns the profiles among them that no longer exist: erased while they were pushed.
   * Their state is kept (it says whom to delete at the destination); the caller must erase
   * them there. The profile rows are locked (FOR KEY SHARE) until the state is in, so an erase
   * either came first and shows here, or waits and then finds the state through the relay.
   */
  async save(connectionId: string, states: PushStateWrite[]): Promise<string[]> {
    if (states.length === 0) return [];
    const ids = states.map((state) => state.profileId);
    return this.db.transaction(async (manager) => {
      const runner = manager.queryRunner!;
      const live = await queryRows<{ id: string }>(
        runner,
        `SELECT id FROM profile WHERE id = ANY($1::uuid[]) ORDER BY id FOR KEY SHARE`,
        [ids],
      );
      await runner.query(
        `INSERT INTO push_state (connection_id, profile_id, external_id, fields, status, error,
                                 pushed_at, attempted_at)
         SELECT $1, s.profile_id, s.external_id, s.fields, s.status, s.error, s.pushed_at, now()
         FROM jsonb_to_recordset($2::jsonb) AS s (profile_id uuid, external_id text, fields jsonb,
                                                  status text, error text, pushed_at timestamptz)
         ON CONFLICT (connection_id, profile_id) DO UPDATE SET
           external_id = coalesce(excluded.external_id, push_state.external_id),
           fields = excluded.fields, status = excluded.status, error = excluded.error,
           pushed_at = coalesce(excluded.pushed_at, push_state.pushed_at),
           attempted_at = now()`,
        [
          connectionId,
          JSON.stringify(
            states.map((state) => ({
              profile_id: state.profileId,
              external_id: state.externalId,
              fields: state.fields,
              status: state.status,
              error: state.error,
              pushed_at: state.pushedAt?.toISOString() ?? null,
            })),
          ),
        ],
      );
      const liveIds = new Set(live.map((row) => row.id));
      return ids.filter((id) => !liveIds.has(id));
    });
  }

  /** The canonical values last sent to this destination, by profile (see sent-values.ts). */
  async sentValues(connectionId: string, profileIds: string[]): Promise<Map<string, SentValues>> {
    const rows = await queryRowsOn<{ profile_id: string; traits: SentValues }>(
      this.db,
      `SELECT profile_id, traits FROM push_sent_values
        WHERE connection_id = $1 AND profile_id = ANY($2::uuid[])`,
      [connectionId, profileIds],
    );
    return new Map(rows.map((row) => [row.profile_id, row.traits]));
  }

  /**
   * Records the values about to be sent, before the write: the destination's webhook for it can
   * arrive before the write returns. Only for profiles that still exist, locked (FOR KEY SHARE)
   * as in `save`, so an erase either deletes these rows after us or has already removed the
   * profile and gets none.
   */
  async recordSent(
    connectionId: string,
    rows: { profileId: string; traits: SentValues }[],
  ): Promise<void> {
    if (rows.length === 0) return;
    await this.db.transaction(async (manager) => {
      const runner = manager.queryRunner!;
      await queryRows(
        runner,
        `SELECT id FROM profile WHERE id = ANY($1::uuid[]) ORDER BY id FOR KEY SHARE`,
        [rows.map((row) => row.profileId)],
      );
      await queryRows(
        runner,
        `INSERT INTO push_sent_values (profile_id, connection_id, traits)
         SELECT r.profile_id, $1, r.traits
           FROM json_to_recordset($2::json) AS r (profile_id uuid, traits json)
          WHERE EXISTS (SELECT 1 FROM profile p WHERE p.id = r.profile_id)
         ON CONFLICT (profile_id, connection_id) DO UPDATE
           SET traits = excluded.traits, updated_at = now()`,
        [
          connectionId,
          JSON.stringify(rows.map((row) => ({ profile_id: row.profileId, traits: row.traits }))),
        ],
      );
    });
  }

  async state(connectionId: string, profileId: string): Promise<PushState | null> {
    return (await this.states(connectionId, [profileId])).get(profileId) ?? null;
  }

  /** After an erase reached the destination, nothing about the person is kept. */
  async forget(connectionId: string, profileId: string): Promise<void> {
    await this.db.query(
      `WITH sent AS (DELETE FROM push_sent_values WHERE connection_id = $1 AND profile_id = $2)
       DELETE FROM push_state WHERE connection_id = $1 AND profile_id = $2`,
      [connectionId, profileId],
    );
  }
}

interface PushStateRow {
  connection_id: string;
  profile_id: string;
  external_id: string | null;
  fields: VendorFields;
  status: 'ok' | 'failed';
  error: string | null;
  pushed_at: Date | null;
  attempted_at: Date;
}

function toPushState(row: PushStateRow): PushState {
  return {
    profileId: row.profile_id,
    externalId: row.external_id,
    fields: row.fields,
    status: row.status,
    error: row.error,
    pushedAt: row.pushed_at,
    attemptedAt: row.attempted_at,
  };
}

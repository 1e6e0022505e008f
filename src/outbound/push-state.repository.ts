import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { VendorFields } from '../connector-sdk/connector.types';
import type { CanonicalTraits } from '../profiles/canonical/canonical-traits';
import { queryRowsOn } from '../database/query-rows';

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
    }>(this.db, `SELECT id, status, merged_into, traits FROM profile WHERE id = ANY($1::uuid[])`, [
      ids,
    ]);
    return rows.map((row) => ({
      id: row.id,
      status: row.status,
      mergedInto: row.merged_into,
      traits: row.traits,
    }));
  }

  async heldRecords(connectionId: string, profileIds: string[]): Promise<Map<string, HeldRecord>> {
    const rows = await queryRowsOn<{
      profile_id: string;
      external_id: string;
      traits: CanonicalTraits;
      received_at: Date;
    }>(
      this.db,
      `SELECT DISTINCT ON (profile_id) profile_id, external_id, traits, received_at
       FROM source_record
       WHERE connection_id = $1 AND profile_id = ANY($2::uuid[]) AND NOT deleted
       ORDER BY profile_id, received_at DESC`,
      [connectionId, profileIds],
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

  async save(connectionId: string, states: PushStateWrite[]): Promise<void> {
    if (states.length === 0) return;
    await this.db.query(
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
  }

  async state(connectionId: string, profileId: string): Promise<PushState | null> {
    return (await this.states(connectionId, [profileId])).get(profileId) ?? null;
  }

  /** After an erase reached the destination, nothing about the person is kept. */
  async forget(connectionId: string, profileId: string): Promise<void> {
    await this.db.query(`DELETE FROM push_state WHERE connection_id = $1 AND profile_id = $2`, [
      connectionId,
      profileId,
    ]);
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

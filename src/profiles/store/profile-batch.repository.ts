import { Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import { CanonicalTraits } from '../canonical/canonical-traits';
import { Identifier, identifierKey } from '../identity/identifier';
import { sourceKey } from '../ingest/prepared-record';
import { Provenance } from '../survivorship/compute-traits';
import { BatchState, ProfileStatus } from './batch-state';
import { executeForRows, queryRows } from './sql-runner';
import { WritePlan } from './write-plan';

/** Thrown when another transaction claimed an identifier or source first: retry the batch. */
export class IdentityRaceError extends Error {
  readonly code = 'IDENTITY_RACE';
}

export interface SourceRef {
  connectionId: string;
  externalId: string;
}

/**
 * The SQL of one ingest batch. Every statement is set-based (arrays or one JSON document
 * unpacked server-side), so a batch costs about a dozen round trips however many records
 * it holds. All methods run on the caller's transaction.
 */
@Injectable()
export class ProfileBatchRepository {
  /** Current owner of each identifier and source key (profile id). */
  async lookupOwners(
    runner: QueryRunner,
    identifiers: Identifier[],
    sources: SourceRef[],
  ): Promise<Map<string, string>> {
    const rows = await queryRows<{ key: string; profile_id: string }>(
      runner,
      `SELECT 'i' || i.type || ':' || i.value AS key, i.profile_id
         FROM unnest($1::text[], $2::text[]) AS q(type, value)
         JOIN profile_identifier i ON i.type = q.type AND i.value = q.value
       UNION ALL
       SELECT 's' || s.connection_id || ':' || s.external_id, s.profile_id
         FROM unnest($3::uuid[], $4::text[]) AS q(connection_id, external_id)
         JOIN source_record s ON s.connection_id = q.connection_id AND s.external_id = q.external_id`,
      [
        identifiers.map((i) => i.type),
        identifiers.map((i) => i.value),
        sources.map((s) => s.connectionId),
        sources.map((s) => s.externalId),
      ],
    );
    return new Map(rows.map((row) => [row.key, row.profile_id]));
  }

  /** Row-locks profiles in id order (a stable order, so two batches cannot deadlock on them). */
  async lockProfiles(runner: QueryRunner, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await queryRows(
      runner,
      `SELECT id FROM profile WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [[...ids].sort()],
    );
  }

  /** Suppression hashes (hex) and run-time blocked identifierKeys among those given. */
  async findSuppressedAndBlocked(
    runner: QueryRunner,
    hashes: string[],
    identifiers: Identifier[],
  ): Promise<{ suppressed: Set<string>; blocked: Set<string> }> {
    const rows = await queryRows<{ kind: string; key: string }>(
      runner,
      `SELECT 'h' AS kind, encode(s.hash, 'hex') AS key
         FROM unnest($1::text[]) AS q(hash)
         JOIN profile_suppression s ON s.hash = decode(q.hash, 'hex')
       UNION ALL
       SELECT 'b', b.type || ':' || b.value
         FROM unnest($2::text[], $3::text[]) AS q(type, value)
         JOIN identity_block b ON b.type = q.type AND b.value = q.value`,
      [hashes, identifiers.map((i) => i.type), identifiers.map((i) => i.value)],
    );
    return {
      suppressed: new Set(rows.filter((r) => r.kind === 'h').map((r) => r.key)),
      blocked: new Set(rows.filter((r) => r.kind === 'b').map((r) => r.key)),
    };
  }

  /** Everything resolution needs about locked profiles: rows, identifiers, sources. */
  async loadState(runner: QueryRunner, profileIds: string[]): Promise<BatchState> {
    const state: BatchState = {
      profiles: new Map(),
      identifierOwners: new Map(),
      sources: new Map(),
    };
    if (profileIds.length === 0) return state;
    // Sequential on purpose: one connection runs one statement at a time.
    const profiles = await queryRows<{
      id: string;
      status: ProfileStatus;
      merged_into: string | null;
      created_at: Date;
      traits: CanonicalTraits;
      provenance: Provenance;
    }>(
      runner,
      `SELECT id, status, merged_into, created_at, traits, provenance FROM profile WHERE id = ANY($1::uuid[])`,
      [profileIds],
    );
    const identifiers = await queryRows<{
      type: 'email' | 'phone';
      value: string;
      profile_id: string;
    }>(
      runner,
      `SELECT type, value, profile_id FROM profile_identifier WHERE profile_id = ANY($1::uuid[])`,
      [profileIds],
    );
    const sources = await queryRows<{
      connection_id: string;
      external_id: string;
      profile_id: string;
      vendor_updated_at: Date;
      hash: string;
      deleted: boolean;
      traits: CanonicalTraits;
      identifiers: Identifier[];
    }>(
      runner,
      `SELECT connection_id, external_id, profile_id, vendor_updated_at,
                encode(content_hash, 'hex') AS hash, deleted, traits, identifiers
           FROM source_record WHERE profile_id = ANY($1::uuid[])`,
      [profileIds],
    );
    for (const row of profiles) {
      state.profiles.set(row.id, {
        id: row.id,
        status: row.status,
        loadedStatus: row.status,
        mergedInto: row.merged_into,
        createdAt: row.created_at.toISOString(),
        traits: row.traits,
        provenance: row.provenance,
        isNew: false,
      });
    }
    for (const row of identifiers) {
      state.identifierOwners.set(identifierKey(row), row.profile_id);
    }
    for (const row of sources) {
      state.sources.set(sourceKey(row.connection_id, row.external_id), {
        connectionId: row.connection_id,
        externalId: row.external_id,
        profileId: row.profile_id,
        updatedAt: row.vendor_updated_at.toISOString(),
        hash: row.hash,
        deleted: row.deleted,
        traits: row.traits,
        identifiers: row.identifiers,
      });
    }
    return state;
  }

  /** Applies a write plan; throws IdentityRaceError if a concurrent batch claimed a key first. */
  async apply(runner: QueryRunner, plan: WritePlan): Promise<void> {
    await executeForRows(
      runner,
      `INSERT INTO profile (id, status, merged_into, traits, provenance, search_text, created_at, updated_at)
         SELECT id, status, merged_into, traits, provenance, search_text, created_at, now()
           FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, status text, merged_into uuid, traits jsonb,
                provenance jsonb, search_text text, created_at timestamptz)`,
      plan.newProfiles.map(profileJson),
    );
    // DO NOTHING + count: a concurrent batch that inserted the same key first wins, we retry.
    const insertedSources = await executeForRows(
      runner,
      `INSERT INTO source_record (connection_id, external_id, profile_id, vendor_updated_at,
                content_hash, deleted, traits, identifiers, raw)
         SELECT connection_id, external_id, profile_id, updated_at, decode(hash, 'hex'), deleted,
                traits, identifiers, raw
           FROM jsonb_to_recordset($1::jsonb) AS r(connection_id uuid, external_id text, profile_id uuid,
                updated_at timestamptz, hash text, deleted boolean, traits jsonb, identifiers jsonb, raw jsonb)
         ON CONFLICT DO NOTHING`,
      plan.newSources.map(sourceJson),
    );
    if (insertedSources !== plan.newSources.length)
      throw new IdentityRaceError('source record claimed concurrently');
    const insertedIdentifiers = await executeForRows(
      runner,
      `INSERT INTO profile_identifier (type, value, profile_id)
         SELECT type, value, profile_id FROM jsonb_to_recordset($1::jsonb) AS r(type text, value text, profile_id uuid)
         ON CONFLICT DO NOTHING`,
      plan.newIdentifiers.map(identifierJson),
    );
    if (insertedIdentifiers !== plan.newIdentifiers.length)
      throw new IdentityRaceError('identifier claimed concurrently');
    await executeForRows(
      runner,
      `UPDATE profile p
            SET status = r.status, merged_into = r.merged_into, traits = r.traits,
                provenance = r.provenance, search_text = r.search_text, updated_at = now()
           FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, status text, merged_into uuid, traits jsonb,
                provenance jsonb, search_text text)
          WHERE p.id = r.id`,
      plan.updatedProfiles.map(profileJson),
    );
    await executeForRows(
      runner,
      `UPDATE profile p SET merged_into = r."to", updated_at = now()
           FROM jsonb_to_recordset($1::jsonb) AS r("from" uuid, "to" uuid)
          WHERE p.merged_into = r."from"`,
      plan.redirects,
    );
    await executeForRows(
      runner,
      `UPDATE profile_identifier i SET profile_id = r.profile_id
           FROM jsonb_to_recordset($1::jsonb) AS r(type text, value text, profile_id uuid)
          WHERE i.type = r.type AND i.value = r.value`,
      plan.movedIdentifiers.map(identifierJson),
    );
    await executeForRows(
      runner,
      `UPDATE source_record s
            SET profile_id = r.profile_id, vendor_updated_at = r.updated_at, content_hash = decode(r.hash, 'hex'),
                deleted = r.deleted, traits = r.traits, identifiers = r.identifiers, raw = r.raw,
                received_at = now()
           FROM jsonb_to_recordset($1::jsonb) AS r(connection_id uuid, external_id text, profile_id uuid,
                updated_at timestamptz, hash text, deleted boolean, traits jsonb, identifiers jsonb, raw jsonb)
          WHERE s.connection_id = r.connection_id AND s.external_id = r.external_id`,
      plan.updatedSources.map(sourceJson),
    );
    await executeForRows(
      runner,
      `UPDATE source_record s SET profile_id = r.profile_id
           FROM jsonb_to_recordset($1::jsonb) AS r(connection_id uuid, external_id text, profile_id uuid)
          WHERE s.connection_id = r.connection_id AND s.external_id = r.external_id`,
      plan.movedSources.map((s) => ({
        connection_id: s.connectionId,
        external_id: s.externalId,
        profile_id: s.profileId,
      })),
    );
    await executeForRows(
      runner,
      `INSERT INTO profile_merge (id, survivor_id, merged_ids, identifier_type, identifier_value, cause, moved)
         SELECT r.id, r.survivor_id, ARRAY(SELECT jsonb_array_elements_text(r.merged_ids))::uuid[],
                r.identifier_type, r.identifier_value, r.cause, r.moved
           FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, survivor_id uuid, merged_ids jsonb,
                identifier_type text, identifier_value text, cause jsonb, moved jsonb)`,
      plan.merges.map((m) => ({
        id: m.id,
        survivor_id: m.survivorId,
        merged_ids: m.mergedIds,
        identifier_type: m.identifierType,
        identifier_value: m.identifierValue,
        cause: m.cause,
        moved: m.moved,
      })),
    );
    await executeForRows(
      runner,
      `INSERT INTO identity_conflict (profile_id, other_profile_ids, reason, identifier_type, identifier_value,
                connection_id, external_id)
         SELECT r.profile_id, ARRAY(SELECT jsonb_array_elements_text(r.other_profile_ids))::uuid[], r.reason,
                r.identifier_type, r.identifier_value, r.connection_id, r.external_id
           FROM jsonb_to_recordset($1::jsonb) AS r(profile_id uuid, other_profile_ids jsonb, reason text,
                identifier_type text, identifier_value text, connection_id uuid, external_id text)`,
      plan.conflicts.map((c) => ({
        profile_id: c.profileId,
        other_profile_ids: c.otherProfileIds,
        reason: c.reason,
        identifier_type: c.identifierType,
        identifier_value: c.identifierValue,
        connection_id: c.connectionId,
        external_id: c.externalId,
      })),
    );
    await insertChanges(runner, plan.changes);
  }
}

/** Appends change-log rows in order (sequence values follow the array order). */
export async function insertChanges(
  runner: QueryRunner,
  changes: WritePlan['changes'],
): Promise<void> {
  await executeForRows(
    runner,
    `INSERT INTO profile_change (profile_id, kind, changes, cause)
     SELECT (e.doc->>'profile_id')::uuid, e.doc->>'kind', e.doc->'changes', e.doc->'cause'
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(doc, n)
      ORDER BY e.n`,
    changes.map((c) => ({
      profile_id: c.profileId,
      kind: c.kind,
      changes: c.changes,
      cause: c.cause,
    })),
  );
}

function profileJson(row: WritePlan['newProfiles'][number]) {
  return {
    id: row.id,
    status: row.status,
    merged_into: row.mergedInto,
    traits: row.traits,
    provenance: row.provenance,
    search_text: row.searchText,
    created_at: row.createdAt,
  };
}

function identifierJson(row: WritePlan['newIdentifiers'][number]) {
  return { type: row.type, value: row.value, profile_id: row.profileId };
}

function sourceJson(row: WritePlan['newSources'][number]) {
  return {
    connection_id: row.connectionId,
    external_id: row.externalId,
    profile_id: row.profileId,
    updated_at: row.updatedAt,
    hash: row.hash,
    deleted: row.deleted,
    traits: row.traits,
    identifiers: row.identifiers,
    raw: row.raw ?? null,
  };
}

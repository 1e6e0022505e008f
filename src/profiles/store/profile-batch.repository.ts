import { Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import { CanonicalTraits } from '../canonical/canonical-traits';
import { Identifier, identifierKey } from '../identity/identifier';
import { sourceKey } from '../ingest/prepared-record';
import { SentValues } from '../survivorship/sent-values';
import { StoredProvenance } from '../survivorship/stored-provenance';
import { BatchState, ProfileStatus } from './batch-state';
import { SubmittingClient, copyRows } from './copy-from-stdin';
import { queryRows } from '../../database/query-rows';
import { executeForRows } from './sql-runner';
import { WritePlan } from './write-plan';

/** Thrown when concurrent batches keep moving the profiles a batch must lock: retry it. */
export class IdentityRaceError extends Error {
  readonly code = 'IDENTITY_RACE';
}

export interface SourceRef {
  connectionId: string;
  externalId: string;
}

export interface BatchLookup {
  /** Profiles owning one of the identifiers or source keys. */
  owners: Set<string>;
  /** Suppression hashes (hex) found: records carrying one belong to an erased person. */
  suppressed: Set<string>;
  /** identifierKeys blocked at run time (by a split). */
  blocked: Set<string>;
  /** sourceKey → the profile Syncline created that record for (push state), for `anonymous`. */
  createdFor: Map<string, string>;
}

/**
 * The SQL of one ingest batch. Every statement is set-based (new rows appended with COPY,
 * lookups and updates from one JSON document unpacked server-side), so a batch costs about a
 * dozen round trips however many records it holds. All methods run on the caller's transaction.
 */
@Injectable()
export class ProfileBatchRepository {
  /**
   * Every statement of a batch looks up a few hundred keys in tables of millions of rows, which
   * only index probes do well. Without statistics (a table loaded faster than autovacuum
   * analyzes it, or never analyzed) the planner misjudges those tables as small and hashes them
   * whole, or starts parallel workers, at a cost that grows with the table. For this
   * transaction only, rule that out.
   */
  async preferIndexProbes(runner: QueryRunner): Promise<void> {
    await queryRows(
      runner,
      `SELECT set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true),
              set_config('max_parallel_workers_per_gather', '0', true)`,
    );
  }

  /**
   * Current owners (profile ids) of the given identifiers and source keys and, from the same
   * snapshot, which suppression hashes (hex) and run-time blocked identifierKeys are among
   * those given. One statement: most batches need no other lookup before resolving.
   */
  async lookup(
    runner: QueryRunner,
    identifiers: Identifier[],
    sources: SourceRef[],
    suppressionHashes: string[],
    anonymous: SourceRef[] = [],
  ): Promise<BatchLookup> {
    const rows = await queryRows<{
      kind: 'o' | 'h' | 'b' | 'c';
      key: string;
      connection_id: string | null;
      external_id: string | null;
    }>(
      runner,
      `SELECT 'o' AS kind, i.profile_id::text AS key, NULL AS connection_id, NULL AS external_id
         FROM jsonb_to_recordset($1::jsonb) AS q(type text, value text)
         JOIN profile_identifier i ON i.type = q.type AND i.value = q.value
       UNION ALL
       SELECT 'o', s.profile_id::text, NULL, NULL
         FROM jsonb_to_recordset($2::jsonb) AS q("connectionId" uuid, "externalId" text)
         JOIN source_record s ON s.connection_id = q."connectionId" AND s.external_id = q."externalId"
       UNION ALL
       SELECT 'h', encode(s.hash, 'hex'), NULL, NULL
         FROM unnest(string_to_array($3, ',')) AS q(hash)
         JOIN profile_suppression s ON s.hash = decode(q.hash, 'hex')
       UNION ALL
       SELECT 'b', b.type || ':' || b.value, NULL, NULL
         FROM jsonb_to_recordset($1::jsonb) AS q(type text, value text)
         JOIN identity_block b ON b.type = q.type AND b.value = q.value
       UNION ALL
       SELECT 'c', p.profile_id::text, p.connection_id::text, p.external_id
         FROM jsonb_to_recordset($4::jsonb) AS q("connectionId" uuid, "externalId" text)
         JOIN push_state p ON p.connection_id = q."connectionId" AND p.external_id = q."externalId"`,
      // JSON of the objects at hand and one comma-separated string of hex (which has no commas):
      // pg would otherwise build and escape array literals item by item.
      [
        JSON.stringify(identifiers),
        JSON.stringify(sources),
        suppressionHashes.join(','),
        JSON.stringify(anonymous),
      ],
    );
    const result: BatchLookup = {
      owners: new Set(),
      suppressed: new Set(),
      blocked: new Set(),
      createdFor: new Map(),
    };
    for (const row of rows) {
      if (row.kind === 'o') result.owners.add(row.key);
      else if (row.kind === 'h') result.suppressed.add(row.key);
      else if (row.kind === 'b') result.blocked.add(row.key);
      else {
        result.owners.add(row.key);
        result.createdFor.set(
          sourceKey(row.connection_id as string, row.external_id as string),
          row.key,
        );
      }
    }
    return result;
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

  /** Everything resolution needs about locked profiles: rows, identifiers, sources. */
  async loadState(runner: QueryRunner, profileIds: string[]): Promise<BatchState> {
    const state: BatchState = {
      profiles: new Map(),
      identifierOwners: new Map(),
      sources: new Map(),
      sentValues: new Map(),
    };
    if (profileIds.length === 0) return state;
    // Sequential on purpose: one connection runs one statement at a time.
    const profiles = await queryRows<{
      id: string;
      status: ProfileStatus;
      merged_into: string | null;
      created_at: Date;
      traits: CanonicalTraits;
      provenance: StoredProvenance;
      sent_values: Record<string, SentValues> | null;
    }>(
      runner,
      // The values destinations were sent ride along (NULL for the many profiles never pushed):
      // an index probe per profile instead of one more round trip per batch.
      `SELECT id, status, merged_into, created_at, traits, provenance,
              (SELECT json_object_agg(v.connection_id, v.traits) FROM push_sent_values v
                WHERE v.profile_id = p.id) AS sent_values
         FROM profile p WHERE id = ANY($1::uuid[])`,
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
      observed_at: Date | null;
      hash: string;
      deleted: boolean;
      traits: CanonicalTraits;
      identifiers: Identifier[];
      trait_times: Record<string, string> | null;
      echoed_traits: string[] | null;
    }>(
      runner,
      `SELECT connection_id, external_id, profile_id, vendor_updated_at, observed_at,
                encode(content_hash, 'hex') AS hash, deleted, traits, identifiers, trait_times,
                echoed_traits
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
      if (row.sent_values) {
        state.sentValues.set(row.id, new Map(Object.entries(row.sent_values)));
      }
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
        observedAt: row.observed_at?.toISOString() ?? null,
        hash: row.hash,
        deleted: row.deleted,
        traits: row.traits,
        identifiers: row.identifiers,
        traitTimes: row.trait_times,
        echoedTraits: row.echoed_traits,
      });
    }
    return state;
  }

  /**
   * Applies a write plan. New rows are appended with COPY; a key claimed by a concurrent batch
   * first fails it with a unique violation, which the transaction retries.
   */
  async apply(runner: QueryRunner, plan: WritePlan): Promise<void> {
    const client = (await runner.connect()) as SubmittingClient;
    await copyRows(
      client,
      'profile',
      ['id', 'status', 'merged_into', 'traits', 'provenance', 'created_at'],
      plan.newProfiles,
      (p, columns) =>
        columns
          .uuid(p.id)
          .text(p.status)
          .uuid(p.mergedInto)
          .jsonb(p.traits)
          .json(p.provenance)
          .timestamptz(p.createdAt),
    );
    await copyRows(
      client,
      'source_record',
      [
        'connection_id',
        'external_id',
        'profile_id',
        'vendor_updated_at',
        'observed_at',
        'content_hash',
        'deleted',
        'traits',
        'identifiers',
        'trait_times',
        'echoed_traits',
        'raw',
      ],
      plan.newSources,
      (s, columns) =>
        columns
          .uuid(s.connectionId)
          .text(s.externalId)
          .uuid(s.profileId)
          .timestamptz(s.updatedAt)
          .timestamptz(s.observedAt)
          .byteaFromHex(s.hash)
          .bool(s.deleted)
          .json(s.traits)
          .json(s.identifiers)
          .json(s.traitTimes)
          .json(s.echoedTraits)
          .json(s.raw),
    );
    await copyRows(
      client,
      'profile_identifier',
      ['type', 'value', 'profile_id'],
      plan.newIdentifiers,
      (i, columns) => columns.text(i.type).text(i.value).uuid(i.profileId),
    );
    // The rows go in as `json`, not `jsonb`, where they fill `json` columns: `jsonb` would store
    // a vendor payload with its keys reordered (as only updated sources would have them) and
    // parse every document into a form the column does not keep.
    await executeForRows(
      runner,
      `UPDATE profile p
            SET status = r.status, merged_into = r.merged_into, traits = r.traits,
                provenance = r.provenance, updated_at = now()
           FROM json_to_recordset($1::json) AS r(id uuid, status text, merged_into uuid, traits jsonb,
                provenance json)
          WHERE p.id = r.id`,
      plan.updatedProfiles.map((p) => ({
        id: p.id,
        status: p.status,
        merged_into: p.mergedInto,
        traits: p.traits,
        provenance: p.provenance,
      })),
    );
    // One statement updates each row once, so it follows one hop: each `to` is already a final
    // survivor (see WritePlan.redirects), never an id this statement redirects away.
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
            SET profile_id = r.profile_id, vendor_updated_at = r.updated_at, observed_at = r.observed_at,
                content_hash = decode(r.hash, 'hex'),
                deleted = r.deleted, traits = r.traits, identifiers = r.identifiers,
                trait_times = r.trait_times, echoed_traits = r.echoed_traits, raw = r.raw,
                received_at = now()
           FROM json_to_recordset($1::json) AS r(connection_id uuid, external_id text, profile_id uuid,
                updated_at timestamptz, observed_at timestamptz, hash text, deleted boolean, traits json,
                identifiers json, trait_times json, echoed_traits json, raw json)
          WHERE s.connection_id = r.connection_id AND s.external_id = r.external_id`,
      plan.updatedSources.map(sourceJson),
    );
    await setSourceColumn(
      runner,
      'observed_at',
      plan.reobservedSources.map((s) => ({ ...s, value: s.observedAt })),
    );
    await setSourceColumn(
      runner,
      'profile_id',
      plan.movedSources.map((s) => ({ ...s, value: s.profileId })),
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
  await copyRows(
    (await runner.connect()) as SubmittingClient,
    'profile_change',
    ['profile_id', 'kind', 'changes', 'cause'],
    changes,
    (c, columns) => columns.uuid(c.profileId).text(c.kind).json(c.changes).json(c.cause),
  );
}

/** Sets one column of existing source records, each found by connection and vendor id. */
function setSourceColumn(
  runner: QueryRunner,
  column: 'observed_at' | 'profile_id',
  rows: { connectionId: string; externalId: string; value: string }[],
): Promise<number> {
  const type = column === 'profile_id' ? 'uuid' : 'timestamptz';
  return executeForRows(
    runner,
    `UPDATE source_record s SET ${column} = r.value
       FROM jsonb_to_recordset($1::jsonb) AS r(connection_id uuid, external_id text, value ${type})
      WHERE s.connection_id = r.connection_id AND s.external_id = r.external_id`,
    rows.map((row) => ({
      connection_id: row.connectionId,
      external_id: row.externalId,
      value: row.value,
    })),
  );
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
    observed_at: row.observedAt,
    hash: row.hash,
    deleted: row.deleted,
    traits: row.traits,
    identifiers: row.identifiers,
    trait_times: row.traitTimes,
    echoed_traits: row.echoedTraits,
    raw: row.raw ?? null,
  };
}

import { Inject, Injectable } from '@nestjs/common';
import { DataSource, QueryRunner } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { CONNECTION_RANKING, ConnectionRanking } from '../connections/connection-ranking';
import { Identifier, externalKey, identifierKey } from '../identity/identifier';
import { IDENTITY_RULES, IdentityRules } from '../identity/identity-rules';
import {
  emptyIngestResult,
  INGEST_BATCH_SIZE,
  IngestCause,
  IngestItem,
  IngestResult,
} from '../ingest/ingest-job';
import { PreparedRecord } from '../ingest/prepared-record';
import { prepareRecords } from '../ingest/prepare-records';
import { SuppressionHasher } from '../privacy/suppression-hasher';
import { buildWritePlan } from './build-write-plan';
import {
  BatchLookup,
  IdentityRaceError,
  ProfileBatchRepository,
  SourceRef,
} from './profile-batch.repository';
import { newProfileId } from './profile-id';
import { recognizeEchoes } from './recognize-echoes';
import { resolveIdentities } from './resolve-identities';
import { inTransaction } from './transaction';

/** More lookup/lock rounds than this means profiles keep moving under us: retry the batch. */
const MAX_LOCK_ROUNDS = 8;

/**
 * The one way records enter the profile store. Each batch is one transaction: look up who owns
 * the records' identifiers, lock those profiles (in id order), drop suppressed records, resolve
 * identities in memory, recompute survivorship, then write everything — change log included —
 * with set-based statements. Creation races are caught by primary keys and retried.
 */
@Injectable()
export class ProfileStore {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'defaultPhoneRegion'>,
    @Inject(IDENTITY_RULES) private readonly rules: IdentityRules,
    @Inject(CONNECTION_RANKING) private readonly ranking: ConnectionRanking,
    private readonly batches: ProfileBatchRepository,
    private readonly hasher: SuppressionHasher,
  ) {}

  async ingest(items: IngestItem[], cause: IngestCause): Promise<IngestResult> {
    const total = emptyIngestResult();
    for (let start = 0; start < items.length; start += INGEST_BATCH_SIZE) {
      const chunk = items.slice(start, start + INGEST_BATCH_SIZE);
      const prepared = prepareRecords(chunk, this.rules, this.config.defaultPhoneRegion);
      const result = await inTransaction(this.dataSource, (runner) =>
        this.ingestBatch(runner, prepared.records, cause),
      );
      total.received += chunk.length;
      total.applied += result.applied;
      total.unchanged += result.unchanged;
      // An older version superseded inside the same batch is as stale as one superseded in the store.
      total.stale += result.stale + prepared.supersededInBatch;
      total.suppressed += result.suppressed;
      total.profilesCreated += result.profilesCreated;
      total.profilesMerged += result.profilesMerged;
      total.conflicts += result.conflicts;
      total.rejected.push(...prepared.rejected.map((r) => ({ ...r, index: r.index + start })));
    }
    return total;
  }

  private async ingestBatch(
    runner: QueryRunner,
    prepared: PreparedRecord[],
    cause: IngestCause,
  ): Promise<Omit<IngestResult, 'received' | 'rejected'>> {
    await this.batches.preferIndexProbes(runner);
    const identifiers = uniqueIdentifiers(prepared);
    const hashes = new Map(prepared.map((r) => [r, this.recordHashes(r)]));
    const sourceRef = (r: PreparedRecord) => ({
      connectionId: r.connectionId,
      externalId: r.externalId,
    });
    const { owners, suppressed, blocked, createdFor } = await this.lockOwners(
      runner,
      identifiers,
      prepared.map(sourceRef),
      [...new Set([...hashes.values()].flat())],
      prepared.filter((r) => r.identifiers.length === 0).map(sourceRef),
    );
    const records = prepared
      .filter((record) => !(hashes.get(record) ?? []).some((hash) => suppressed.has(hash)))
      .map((record) =>
        blocked.size === 0
          ? record
          : {
              ...record,
              identifiers: record.identifiers.filter((i) => !blocked.has(identifierKey(i))),
            },
      );

    const state = await this.batches.loadState(runner, [...owners]);
    state.createdFor = createdFor;
    const storedSourceKeys = new Set(state.sources.keys());
    const batchCause = { ...cause };
    const resolution = resolveIdentities(recognizeEchoes(records, state), state, this.rules, {
      newId: newProfileId,
      now: new Date().toISOString(),
      cause: batchCause,
    });
    const connectionIds = new Set<string>();
    for (const source of state.sources.values()) {
      if (resolution.touched.has(source.profileId)) connectionIds.add(source.connectionId);
    }
    const { priorities, partialTraits } = await this.ranking.get([...connectionIds], runner);
    const plan = buildWritePlan({
      state,
      resolution,
      priorities,
      partialTraits,
      cause: batchCause,
      storedSourceKeys,
    });
    await this.batches.apply(runner, plan);
    return {
      ...resolution.stats,
      suppressed: prepared.length - records.length,
      conflicts: resolution.conflicts.length,
    };
  }

  /**
   * Locks every profile that owns one of the batch's identifiers or source keys. Owners can
   * change while we wait for a lock (a concurrent merge moves identifiers, an erase deletes
   * them), so look up again after locking until the owners are all locked. The suppression and
   * block lists come from that last lookup: an erase that committed while we waited is seen.
   */
  private async lockOwners(
    runner: QueryRunner,
    identifiers: Identifier[],
    sourceRefs: SourceRef[],
    suppressionHashes: string[],
    anonymousRefs: SourceRef[],
  ): Promise<BatchLookup> {
    const locked = new Set<string>();
    for (let round = 0; round < MAX_LOCK_ROUNDS; round += 1) {
      const lookup = await this.batches.lookup(
        runner,
        identifiers,
        sourceRefs,
        suppressionHashes,
        anonymousRefs,
      );
      const missing = [...lookup.owners].filter((id) => !locked.has(id));
      // Only the current owners matter; profiles that lost everything while we waited do not.
      if (missing.length === 0) return lookup;
      await this.batches.lockProfiles(runner, missing);
      for (const id of missing) locked.add(id);
    }
    throw new IdentityRaceError('profile owners kept moving while locking');
  }

  private recordHashes(record: PreparedRecord): string[] {
    return [
      this.hasher.hash('external', externalKey(record.connectionId, record.externalId)),
      ...record.identifiers.map((i) => this.hasher.hash(i.type, i.value)),
    ];
  }
}

function uniqueIdentifiers(records: PreparedRecord[]): Identifier[] {
  const unique = new Map<string, Identifier>();
  for (const record of records) {
    for (const identifier of record.identifiers) unique.set(identifierKey(identifier), identifier);
  }
  return [...unique.values()];
}

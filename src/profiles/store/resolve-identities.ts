import { CanonicalTraits } from '../canonical/canonical-traits';
import { IdentityRules } from '../identity/identity-rules';
import { Identifier, identifierKey } from '../identity/identifier';
import { PreparedRecord, compareVersions, sourceKey } from '../ingest/prepared-record';
import { smallSort } from '../ingest/small-sort';
import { BatchState, ProfileState, SourceState } from './batch-state';
import { ConflictRow, MergeRow } from './write-plan';

export interface ResolutionStats {
  applied: number;
  unchanged: number;
  stale: number;
  profilesCreated: number;
  profilesMerged: number;
}

/** What identity resolution decided; `state` has been updated in place. */
export interface Resolution {
  /** Profiles whose sources or identifiers changed: their traits must be recomputed. */
  touched: Set<string>;
  /** sourceKeys of records whose new version must be written, with the record. */
  writtenSources: Map<string, PreparedRecord>;
  /** The traits of the versions those records replace (held before the batch, or earlier in it). */
  replacedTraits: Map<string, CanonicalTraits>;
  /** sourceKeys of existing sources that moved to another profile by a merge. */
  movedSources: Set<string>;
  /**
   * sourceKeys of held sources seen again, identical, but observed later: only their
   * observation time is written, so the held version orders as the latest observation of its
   * content whatever order the observations arrived in.
   */
  reobservedSources: Set<string>;
  /** identifierKeys added by this batch (not in the database before). */
  addedIdentifiers: Map<string, Identifier>;
  /** identifierKeys of existing identifiers that moved by a merge. */
  movedIdentifiers: Set<string>;
  /** Per profile: identifiers added to it (for the change log). */
  identifiersAddedTo: Map<string, Identifier[]>;
  /** Per profile: the records that touched it (for the change-log cause). */
  recordsFor: Map<string, PreparedRecord[]>;
  merges: MergeRow[];
  conflicts: ConflictRow[];
  stats: ResolutionStats;
}

export interface ResolveOptions {
  newId: () => string;
  /** ISO 8601 creation time for new profiles. */
  now: string;
  cause: MergeRow['cause'];
}

/**
 * Deterministic identity resolution for one batch, in memory, over profiles already locked.
 * For each record in order: no profile shares an identifier → create one; one does → attach;
 * several do → merge them into the oldest — unless the guards (config/identity.json) say the
 * result would hold too many identifiers, in which case the record joins its best match alone
 * and the conflict is recorded. Without guard hits the outcome (which records end up together)
 * is the connected components of "shares an identifier", hence independent of order.
 */
export function resolveIdentities(
  records: PreparedRecord[],
  state: BatchState,
  rules: IdentityRules,
  options: ResolveOptions,
): Resolution {
  const resolver = new Resolver(state, rules, options);
  for (const record of records) resolver.resolve(record);
  resolver.settleRedirects();
  return resolver.result;
}

class Resolver {
  readonly result: Resolution = {
    touched: new Set(),
    writtenSources: new Map(),
    replacedTraits: new Map(),
    movedSources: new Set(),
    reobservedSources: new Set(),
    addedIdentifiers: new Map(),
    movedIdentifiers: new Set(),
    identifiersAddedTo: new Map(),
    recordsFor: new Map(),
    merges: [],
    conflicts: [],
    stats: { applied: 0, unchanged: 0, stale: 0, profilesCreated: 0, profilesMerged: 0 },
  };

  /** profile id → identifierKeys / sourceKeys it holds: keeps every check O(profile size). */
  private readonly identifiersByProfile = new Map<string, Set<string>>();
  private readonly sourcesByProfile = new Map<string, Set<string>>();
  /** Profiles this batch merged, in merge order. */
  private readonly mergedByBatch: ProfileState[] = [];

  constructor(
    private readonly state: BatchState,
    private readonly rules: IdentityRules,
    private readonly options: ResolveOptions,
  ) {
    for (const [key, owner] of state.identifierOwners)
      indexAdd(this.identifiersByProfile, owner, key);
    for (const [key, source] of state.sources)
      indexAdd(this.sourcesByProfile, source.profileId, key);
  }

  private setIdentifierOwner(key: string, profileId: string): void {
    const previous = this.state.identifierOwners.get(key);
    if (previous) this.identifiersByProfile.get(previous)?.delete(key);
    this.state.identifierOwners.set(key, profileId);
    indexAdd(this.identifiersByProfile, profileId, key);
  }

  private setSource(key: string, source: SourceState): void {
    const previous = this.state.sources.get(key);
    if (previous) this.sourcesByProfile.get(previous.profileId)?.delete(key);
    this.state.sources.set(key, source);
    indexAdd(this.sourcesByProfile, source.profileId, key);
  }

  private identifierKeysOf(profileId: string): string[] {
    return [...(this.identifiersByProfile.get(profileId) ?? [])];
  }

  private sourceKeysOf(profileId: string): string[] {
    return [...(this.sourcesByProfile.get(profileId) ?? [])];
  }

  resolve(record: PreparedRecord): void {
    const key = sourceKey(record.connectionId, record.externalId);
    const existing = this.state.sources.get(key);
    if (existing && existing.hash === record.hash) {
      this.result.stats.unchanged += 1;
      if (record.observedAt && record.observedAt > (existing.observedAt ?? '')) {
        existing.observedAt = record.observedAt;
        this.result.reobservedSources.add(key);
      }
      return;
    }
    if (existing && compareVersions(record, existing) < 0) {
      this.result.stats.stale += 1;
      return;
    }
    // A record the connection leaves out only takes back what it holds: kept as a tombstone, it
    // would need a (closed) profile for someone Syncline never took.
    if (record.outOfScope && (!existing || existing.deleted)) {
      this.result.stats.unchanged += 1;
      return;
    }
    this.result.stats.applied += 1;

    const candidates = this.matchingProfiles(record, existing);
    const strangers = this.phoneStrangers(record, candidates);
    const matches =
      strangers.size === 0 ? candidates : candidates.filter((p) => !strangers.has(p.id));
    let target: ProfileState;
    if (matches.length === 0) {
      target = this.createProfile();
    } else if (matches.length === 1 || !this.tryMerge(record, matches)) {
      target = this.bestMatch(record, matches, existing);
      if (matches.length > 1) this.recordMergeConflict(record, target, matches);
    } else {
      target = matches[0];
    }
    if (!existing && this.externalLimitReached(target, record)) {
      this.conflict(record, target, [], 'external-limit', {
        type: 'external',
        value: `${record.connectionId}:${record.externalId}`,
      });
      target = this.createProfile();
    }
    if (strangers.size > 0) this.recordSharedPhone(record, target, strangers);
    this.attach(record, target, existing);
  }

  /** Profiles sharing the record's source key or any of its identifiers, oldest first. */
  private matchingProfiles(
    record: PreparedRecord,
    existing: SourceState | undefined,
  ): ProfileState[] {
    const ids = new Set<string>();
    if (existing) ids.add(existing.profileId);
    else {
      // A record Syncline itself created (a person with neither email nor phone) is theirs.
      const creator = this.state.createdFor?.get(sourceKey(record.connectionId, record.externalId));
      if (creator && this.state.profiles.get(creator)?.status === 'active') ids.add(creator);
    }
    for (const identifier of record.identifiers) {
      const owner = this.state.identifierOwners.get(identifierKey(identifier));
      if (owner) ids.add(owner);
    }
    return smallSort(
      [...ids].map((id) => this.profile(id)),
      oldestFirst,
    );
  }

  /**
   * The profiles a record reaches only through a phone when the record has an email and the
   * profile holds emails, none of them the record's: a shared household phone, not the same
   * person (unless `links.phoneAcrossEmails`). They are left out of its matches.
   */
  private phoneStrangers(record: PreparedRecord, matches: ProfileState[]): ReadonlySet<string> {
    if (this.rules.links.phoneAcrossEmails || matches.length === 0) return NO_STRANGERS;
    if (!record.identifiers.some((identifier) => identifier.type === 'email')) return NO_STRANGERS;
    const strangers = new Set<string>();
    const held = this.state.sources.get(sourceKey(record.connectionId, record.externalId));
    for (const profile of matches) {
      if (held?.profileId === profile.id) continue;
      if (this.linksByEmail(record, profile.id)) continue;
      if (this.identifierKeysOf(profile.id).some((key) => key.startsWith('email:'))) {
        strangers.add(profile.id);
      }
    }
    return strangers;
  }

  /** The conflict telling that `record` shares a phone with `strangers` yet stays apart. */
  private recordSharedPhone(
    record: PreparedRecord,
    target: ProfileState,
    strangers: ReadonlySet<string>,
  ): void {
    const phone = record.identifiers.find((identifier) => {
      const owner = this.state.identifierOwners.get(identifierKey(identifier));
      return identifier.type === 'phone' && owner !== undefined && strangers.has(owner);
    });
    if (phone) this.conflict(record, target, [...strangers], 'shared-phone', phone);
  }

  /** Merges every match into the oldest if the guards allow it; false when they do not. */
  private tryMerge(record: PreparedRecord, matches: ProfileState[]): boolean {
    const [survivor, ...merged] = matches;
    const mergedIds = new Set(merged.map((p) => p.id));
    const all = new Set(matches.map((p) => p.id));
    const counts = { email: 0, phone: 0 };
    for (const id of all) {
      for (const key of this.identifierKeysOf(id))
        counts[key.startsWith('email:') ? 'email' : 'phone'] += 1;
    }
    for (const identifier of record.identifiers) {
      if (!this.state.identifierOwners.has(identifierKey(identifier))) counts[identifier.type] += 1;
    }
    if (counts.email > this.rules.limits.emailsPerProfile) return false;
    if (counts.phone > this.rules.limits.phonesPerProfile) return false;
    const perConnection = new Map<string, number>();
    const recordKey = sourceKey(record.connectionId, record.externalId);
    let recordCounted = false;
    for (const id of all) {
      for (const key of this.sourceKeysOf(id)) {
        const source = this.state.sources.get(key) as SourceState;
        if (key === recordKey) recordCounted = true;
        else if (source.deleted && this.linksByEmail(record, id)) continue;
        perConnection.set(source.connectionId, (perConnection.get(source.connectionId) ?? 0) + 1);
      }
    }
    if (!recordCounted) {
      perConnection.set(record.connectionId, (perConnection.get(record.connectionId) ?? 0) + 1);
    }
    for (const count of perConnection.values()) {
      if (count > this.rules.limits.externalIdsPerConnection) return false;
    }

    const linkedBy = this.linkingIdentifier(record, mergedIds);
    const moved: MergeRow['moved'] = {};
    for (const profile of merged) moved[profile.id] = { sources: [], identifiers: [] };
    for (const owner of mergedIds) {
      for (const key of this.identifierKeysOf(owner)) {
        const separator = key.indexOf(':');
        moved[owner].identifiers.push({
          type: key.slice(0, separator) as 'email' | 'phone',
          value: key.slice(separator + 1),
        });
        this.setIdentifierOwner(key, survivor.id);
        if (!this.result.addedIdentifiers.has(key)) this.result.movedIdentifiers.add(key);
      }
      for (const key of this.sourceKeysOf(owner)) {
        const source = this.state.sources.get(key) as SourceState;
        moved[owner].sources.push([source.connectionId, source.externalId]);
        this.setSource(key, { ...source, profileId: survivor.id });
        if (!this.result.writtenSources.has(key)) this.result.movedSources.add(key);
      }
    }
    for (const profile of merged) {
      profile.status = 'merged';
      profile.mergedInto = survivor.id;
      this.mergedByBatch.push(profile);
      this.result.touched.add(profile.id);
      // Records that touched the merged profile earlier in the batch now belong to the survivor.
      const earlier = this.result.recordsFor.get(profile.id) ?? [];
      this.result.recordsFor.set(survivor.id, [
        ...(this.result.recordsFor.get(survivor.id) ?? []),
        ...earlier,
      ]);
    }
    this.result.touched.add(survivor.id);
    this.result.merges.push({
      id: this.options.newId(),
      survivorId: survivor.id,
      mergedIds: merged.map((p) => p.id),
      identifierType: linkedBy.type,
      identifierValue: linkedBy.value,
      cause: {
        ...this.options.cause,
        connectionId: record.connectionId,
        externalIds: [record.externalId],
      },
      moved,
    });
    this.result.stats.profilesMerged += merged.length;
    return true;
  }

  /**
   * Points every profile merged by this batch at its final survivor. A later record can merge
   * a survivor into an older profile (C into B, then B into A): the redirect of C must then name
   * A, because readers (export, erase, outbound) follow one hop, and `merged_into` naming a
   * profile that is itself merged would be a chain. Survivors are always older than what they
   * absorb, so following the hops ends.
   */
  settleRedirects(): void {
    for (const profile of this.mergedByBatch) {
      let target = this.profile(profile.mergedInto as string);
      while (target.status === 'merged') target = this.profile(target.mergedInto as string);
      profile.mergedInto = target.id;
    }
  }

  /** The record identifier that pointed at a merged profile: "why" of the merge. */
  private linkingIdentifier(
    record: PreparedRecord,
    mergedIds: Set<string>,
  ): { type: string; value: string } {
    for (const identifier of record.identifiers) {
      const owner = this.state.identifierOwners.get(identifierKey(identifier));
      if (owner && mergedIds.has(owner)) return identifier;
    }
    return { type: 'external', value: `${record.connectionId}:${record.externalId}` };
  }

  /**
   * The profile holding the record's source, else the one sharing most of its emails, then most
   * of its phones, else the oldest. Emails rank first because phones are shared far more often
   * (a household, a front desk): a record whose email is Alice's and whose phone is also Bob's
   * belongs with Alice, whichever of the two Syncline met first.
   */
  private bestMatch(
    record: PreparedRecord,
    matches: ProfileState[],
    existing: SourceState | undefined,
  ): ProfileState {
    if (existing) return this.profile(existing.profileId);
    const shared = (profile: ProfileState, type: Identifier['type']) =>
      record.identifiers.filter(
        (identifier) =>
          identifier.type === type &&
          this.state.identifierOwners.get(identifierKey(identifier)) === profile.id,
      ).length;
    return [...matches].sort(
      (a, b) =>
        shared(b, 'email') - shared(a, 'email') ||
        shared(b, 'phone') - shared(a, 'phone') ||
        oldestFirst(a, b),
    )[0];
  }

  /**
   * Whether the profile already holds as many records of the record's connection as it may. A
   * deleted one does not count when the record reaches the profile by an email: the person has
   * left that id (a Mailchimp member whose address changed has a new id, known by the old
   * address), and the record taking its place belongs with them. Reached by a phone alone, it
   * still counts: someone else who shares the phone (a household) must not take the place of a
   * deleted customer.
   */
  private externalLimitReached(target: ProfileState, record: PreparedRecord): boolean {
    const byEmail = this.linksByEmail(record, target.id);
    let count = 0;
    for (const key of this.sourceKeysOf(target.id)) {
      const source = this.state.sources.get(key);
      if (source?.connectionId !== record.connectionId) continue;
      if (!source.deleted || !byEmail) count += 1;
    }
    return count >= this.rules.limits.externalIdsPerConnection;
  }

  /** Whether one of the record's emails belongs to the profile. */
  private linksByEmail(record: PreparedRecord, profileId: string): boolean {
    return record.identifiers.some(
      (identifier) =>
        identifier.type === 'email' &&
        this.state.identifierOwners.get(identifierKey(identifier)) === profileId,
    );
  }

  private attach(
    record: PreparedRecord,
    target: ProfileState,
    existing: SourceState | undefined,
  ): void {
    const key = sourceKey(record.connectionId, record.externalId);
    this.setSource(key, {
      connectionId: record.connectionId,
      externalId: record.externalId,
      profileId: target.id,
      updatedAt: record.updatedAt,
      observedAt: record.observedAt ?? null,
      hash: record.hash,
      deleted: record.deleted,
      traits: record.traits,
      identifiers: record.identifiers,
      traitTimes: record.traitTimes ?? null,
      echoedTraits: record.echoedTraits ?? null,
    });
    this.result.writtenSources.set(key, record);
    if (existing && !this.result.replacedTraits.has(key) && !existing.deleted) {
      this.result.replacedTraits.set(key, existing.traits);
    }
    this.result.movedSources.delete(key);
    if (existing && existing.profileId !== target.id) this.result.touched.add(existing.profileId);
    this.result.touched.add(target.id);
    this.result.recordsFor.set(target.id, [
      ...(this.result.recordsFor.get(target.id) ?? []),
      record,
    ]);

    const counts = { email: 0, phone: 0 };
    for (const key of this.identifierKeysOf(target.id)) {
      counts[key.startsWith('email:') ? 'email' : 'phone'] += 1;
    }
    for (const identifier of record.identifiers) {
      const idKey = identifierKey(identifier);
      if (this.state.identifierOwners.has(idKey)) continue;
      if (counts[identifier.type] >= this.rules.limitFor(identifier.type)) {
        this.conflict(
          record,
          target,
          [],
          identifier.type === 'email' ? 'email-limit' : 'phone-limit',
          identifier,
        );
        continue;
      }
      counts[identifier.type] += 1;
      this.setIdentifierOwner(idKey, target.id);
      this.result.addedIdentifiers.set(idKey, identifier);
      this.result.identifiersAddedTo.set(target.id, [
        ...(this.result.identifiersAddedTo.get(target.id) ?? []),
        identifier,
      ]);
    }
  }

  private recordMergeConflict(
    record: PreparedRecord,
    target: ProfileState,
    matches: ProfileState[],
  ): void {
    const others = matches.filter((p) => p.id !== target.id);
    const linking = record.identifiers.find((identifier) => {
      const owner = this.state.identifierOwners.get(identifierKey(identifier));
      return owner !== undefined && owner !== target.id;
    });
    this.conflict(
      record,
      target,
      others.map((p) => p.id),
      'merge-limit',
      linking ?? { type: 'external', value: `${record.connectionId}:${record.externalId}` },
    );
  }

  private conflict(
    record: PreparedRecord,
    target: ProfileState,
    otherProfileIds: string[],
    reason: ConflictRow['reason'],
    identifier: { type: string; value: string },
  ): void {
    this.result.conflicts.push({
      profileId: target.id,
      otherProfileIds,
      reason,
      identifierType: identifier.type,
      identifierValue: identifier.value,
      connectionId: record.connectionId,
      externalId: record.externalId,
    });
  }

  private createProfile(): ProfileState {
    const profile: ProfileState = {
      id: this.options.newId(),
      status: 'active',
      loadedStatus: 'active',
      mergedInto: null,
      createdAt: this.options.now,
      traits: {},
      provenance: [],
      isNew: true,
    };
    this.state.profiles.set(profile.id, profile);
    this.result.stats.profilesCreated += 1;
    return profile;
  }

  private profile(id: string): ProfileState {
    const profile = this.state.profiles.get(id);
    if (!profile) throw new Error(`profile ${id} was not loaded before resolution`);
    return profile;
  }
}

/** Shared by every record the `links.phoneAcrossEmails` rule leaves alone (nearly all). */
const NO_STRANGERS: ReadonlySet<string> = new Set();

function indexAdd(index: Map<string, Set<string>>, profileId: string, key: string): void {
  const keys = index.get(profileId);
  if (keys) keys.add(key);
  else index.set(profileId, new Set([key]));
}

function oldestFirst(a: ProfileState, b: ProfileState): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

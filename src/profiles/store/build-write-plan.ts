import { Identifier } from '../identity/identifier';
import { PreparedRecord, sourceKey } from '../ingest/prepared-record';
import { stableJson } from '../ingest/stable-json';
import { PartialTraitsLookup, PriorityLookup, computeTraits } from '../survivorship/compute-traits';
import { diffTraits } from '../survivorship/diff-traits';
import { storeProvenance } from '../survivorship/stored-provenance';
import { BatchState, ProfileState, SourceState } from './batch-state';
import { Resolution } from './resolve-identities';
import { CanonicalTraits } from '../canonical/canonical-traits';
import { isEmptyValue } from '../survivorship/is-empty-value';
import {
  ChangeCause,
  ChangeRow,
  IdentifierRow,
  OutvotedRecord,
  ProfileRow,
  WritePlan,
} from './write-plan';

export interface PlanInputs {
  state: BatchState;
  resolution: Resolution;
  priorities: PriorityLookup;
  /** Connections whose connector holds only part of a structured trait; default none. */
  partialTraits?: PartialTraitsLookup;
  cause: ChangeCause;
  /** sourceKeys that existed in the database when the batch started. */
  storedSourceKeys: ReadonlySet<string>;
}

/**
 * Turns a resolution into rows: recomputes the traits of every touched profile from its
 * sources (survivorship), and appends a change-log row for each real change — so a batch
 * that changes nothing writes nothing.
 */
export function buildWritePlan({
  state,
  resolution,
  priorities,
  partialTraits,
  cause,
  storedSourceKeys,
}: PlanInputs): WritePlan {
  const plan: WritePlan = {
    newProfiles: [],
    updatedProfiles: [],
    redirects: [],
    newSources: [],
    updatedSources: [],
    movedSources: [],
    reobservedSources: [],
    newIdentifiers: [],
    movedIdentifiers: [],
    merges: resolution.merges,
    conflicts: resolution.conflicts,
    changes: [],
  };
  const sourcesByProfile = groupSources(state, resolution.touched);
  const created: ChangeRow[] = [];
  const merged: ChangeRow[] = [];
  const updated: ChangeRow[] = [];

  for (const id of [...resolution.touched].sort()) {
    const profile = state.profiles.get(id) as ProfileState;
    const before = {
      traits: profile.traits,
      provenance: profile.provenance,
      status: profile.loadedStatus,
    };
    const causeFor = profileCause(cause, resolution.recordsFor.get(id) ?? []);
    let next: Pick<ProfileRow, 'traits' | 'provenance' | 'status'>;
    if (profile.status === 'merged') {
      next = { traits: {}, provenance: [], status: 'merged' };
    } else {
      const sources = sourcesByProfile.get(id) ?? [];
      const computed = computeTraits(sources, priorities, partialTraits);
      next = {
        traits: computed.traits,
        provenance: storeProvenance(computed.provenance),
        status: sources.some((source) => !source.deleted) ? 'active' : 'closed',
      };
    }
    const row: ProfileRow = {
      id,
      status: next.status,
      mergedInto: profile.mergedInto,
      traits: next.traits,
      provenance: next.provenance,
      createdAt: profile.createdAt,
    };
    const added = resolution.identifiersAddedTo.get(id);
    const traitChanges = diffTraits(profile.isNew ? {} : before.traits, next.traits);
    const hasTraitChanges = Object.keys(traitChanges).length > 0;
    if (profile.isNew) {
      plan.newProfiles.push(row);
      created.push(
        change(id, 'created', { traits: traitChanges, identifiersAdded: added }, causeFor),
      );
      if (next.status === 'closed') updated.push(change(id, 'closed', {}, causeFor));
    } else {
      if (stableJson(before) !== stableJson(next)) {
        plan.updatedProfiles.push(row);
      }
      if (next.status !== 'merged' && (hasTraitChanges || added)) {
        updated.push(
          change(id, 'updated', { traits: traitChanges, identifiersAdded: added }, causeFor),
        );
      } else if (next.status === 'active') {
        const outvoted = outvotedRecords(
          resolution.recordsFor.get(id) ?? [],
          resolution.replacedTraits,
          next.traits,
        );
        if (outvoted.length > 0) updated.push(change(id, 'outvoted', { outvoted }, causeFor));
      }
      if (before.status === 'active' && next.status === 'closed') {
        updated.push(change(id, 'closed', {}, causeFor));
      }
      if (before.status === 'closed' && next.status === 'active') {
        updated.push(change(id, 'reopened', {}, causeFor));
      }
    }
  }

  for (const merge of resolution.merges) {
    const linkedBy = { type: merge.identifierType, value: merge.identifierValue } as Identifier;
    merged.push(
      change(
        merge.survivorId,
        'merged',
        { mergedIds: merge.mergedIds, mergeId: merge.id, linkedBy },
        merge.cause,
      ),
    );
    for (const mergedId of merge.mergedIds) {
      // The change log tells each merge as it happened; the redirect names the final survivor
      // (resolution settled it), so profiles that pointed at this one skip every hop at once.
      merged.push(
        change(
          mergedId,
          'merged',
          { mergedInto: merge.survivorId, mergeId: merge.id },
          merge.cause,
        ),
      );
      const finalSurvivor = (state.profiles.get(mergedId) as ProfileState).mergedInto as string;
      plan.redirects.push({ from: mergedId, to: finalSurvivor });
    }
  }
  plan.changes = [...created, ...merged, ...updated];

  for (const [key, record] of resolution.writtenSources) {
    const source = state.sources.get(key) as SourceState;
    const row = { ...source, raw: record.raw };
    (storedSourceKeys.has(key) ? plan.updatedSources : plan.newSources).push(row);
  }
  for (const key of resolution.reobservedSources) {
    const source = state.sources.get(key) as SourceState;
    plan.reobservedSources.push({
      connectionId: source.connectionId,
      externalId: source.externalId,
      observedAt: source.observedAt as string,
    });
  }
  for (const key of resolution.movedSources) {
    const source = state.sources.get(key) as SourceState;
    plan.movedSources.push({
      connectionId: source.connectionId,
      externalId: source.externalId,
      profileId: source.profileId,
    });
  }
  for (const [key, identifier] of resolution.addedIdentifiers) {
    plan.newIdentifiers.push(owned(identifier, state.identifierOwners.get(key) as string));
  }
  for (const key of resolution.movedIdentifiers) {
    const separator = key.indexOf(':');
    const identifier = {
      type: key.slice(0, separator),
      value: key.slice(separator + 1),
    } as Identifier;
    plan.movedIdentifiers.push(owned(identifier, state.identifierOwners.get(key) as string));
  }
  return plan;
}

function groupSources(state: BatchState, touched: ReadonlySet<string>): Map<string, SourceState[]> {
  const grouped = new Map<string, SourceState[]>();
  for (const source of state.sources.values()) {
    if (!touched.has(source.profileId)) continue;
    const list = grouped.get(source.profileId);
    if (list) list.push(source);
    else grouped.set(source.profileId, [source]);
  }
  return grouped;
}

/** The batch cause narrowed to the records that touched one profile. */
function profileCause(cause: ChangeCause, records: PreparedRecord[]): ChangeCause {
  const connectionId = records[0]?.connectionId;
  const oneConnection =
    connectionId !== undefined && records.every((record) => record.connectionId === connectionId);
  const externalIds = records.map((record) =>
    oneConnection ? record.externalId : `${record.connectionId}:${record.externalId}`,
  );
  return oneConnection ? { ...cause, connectionId, externalIds } : { ...cause, externalIds };
}

function change(
  profileId: string,
  kind: ChangeRow['kind'],
  changes: ChangeRow['changes'],
  cause: ChangeCause,
): ChangeRow {
  const payload: Record<string, unknown> = {};
  for (const key of Object.keys(changes) as (keyof ChangeRow['changes'])[]) {
    if (changes[key] !== undefined) payload[key] = changes[key];
  }
  return { profileId, kind, changes: payload as ChangeRow['changes'], cause };
}

function owned(identifier: Identifier, profileId: string): IdentifierRow {
  return { type: identifier.type, value: identifier.value, profileId };
}

/**
 * The records of a batch that lost survivorship on a trait their tool just changed: their tool
 * now holds a value the profile does not (a lower-priority tool's edit, a stale copy). The
 * profile does not change, but the tool should be put right, so the change log says so and
 * outbound pushes the profile. Not outvoted:
 * - a trait the record carries unchanged from the version it replaces: the tool was already
 *   put right, or could not be (it refused the value, or stores it in its own form), and
 *   pushing again on each of its records would only repeat that;
 * - a value the profile holds more of (a tool with part of an address);
 * - lists (tags): a set each tool keeps its own additions to, which a push would remove.
 */
function outvotedRecords(
  records: PreparedRecord[],
  replacedTraits: ReadonlyMap<string, CanonicalTraits>,
  traits: CanonicalTraits,
): OutvotedRecord[] {
  const outvoted: OutvotedRecord[] = [];
  const winners = traits as Record<string, unknown>;
  for (const record of records) {
    if (record.deleted) continue;
    const values = record.traits as Record<string, unknown>;
    const replaced = replacedTraits.get(sourceKey(record.connectionId, record.externalId)) as
      Record<string, unknown> | undefined;
    const lost = Object.keys(values).filter(
      (name) =>
        name !== 'custom' &&
        !Array.isArray(values[name]) &&
        !isEmptyValue(values[name]) &&
        !(replaced && stableJson(replaced[name]) === stableJson(values[name])) &&
        !holdsValue(winners[name], values[name]),
    );
    if (lost.length > 0) {
      outvoted.push({
        connectionId: record.connectionId,
        externalId: record.externalId,
        traits: lost.sort(),
      });
    }
  }
  return outvoted;
}

/** Whether `winner` holds `value`: equal, or for an object, equal in every part `value` has. */
function holdsValue(winner: unknown, value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return stableJson(winner) === stableJson(value);
  if (typeof winner !== 'object' || winner === null) return false;
  const parts = value as Record<string, unknown>;
  return Object.keys(parts).every(
    (key) =>
      isEmptyValue(parts[key]) || holdsValue((winner as Record<string, unknown>)[key], parts[key]),
  );
}

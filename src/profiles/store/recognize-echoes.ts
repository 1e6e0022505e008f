import { identifierKey } from '../identity/identifier';
import { PreparedRecord, sourceKey } from '../ingest/prepared-record';
import { findEchoes } from '../survivorship/sent-values';
import { BatchState, SourceState } from './batch-state';

/**
 * The batch's records with the traits that echo our own writes marked and dated as their
 * origin (see sent-values.ts), judged against the values we sent to the record's connection for
 * its profile and the version of the record held. A record's profile is the one holding its
 * source, else the one owning one of its identifiers (a contact our push created, seen for the
 * first time).
 */
export function recognizeEchoes(records: PreparedRecord[], state: BatchState): PreparedRecord[] {
  // Most batches touch no profile that was ever pushed, nor hold a copy of one.
  if (state.sentValues.size === 0 && !holdsAnyCopy(state)) return records;
  return records.map((record) => {
    if (record.deleted) return record;
    const held = state.sources.get(sourceKey(record.connectionId, record.externalId));
    const profileId = held?.profileId ?? ownerOf(record, state);
    const sent = profileId ? state.sentValues.get(profileId)?.get(record.connectionId) : undefined;
    if (!sent && !held?.echoedTraits) return record;
    const echoes = findEchoes(
      record,
      sent,
      held?.deleted ? undefined : held,
      profileId ? siblingsOf(record, profileId, state) : [],
    );
    return echoes ? { ...record, ...echoes } : record;
  });
}

/** The profile's other live records of the record's connection (its earlier ids). */
function siblingsOf(record: PreparedRecord, profileId: string, state: BatchState): SourceState[] {
  const siblings: SourceState[] = [];
  for (const source of state.sources.values()) {
    if (
      source.profileId === profileId &&
      source.connectionId === record.connectionId &&
      source.externalId !== record.externalId &&
      !source.deleted
    ) {
      siblings.push(source);
    }
  }
  return siblings;
}

function ownerOf(record: PreparedRecord, state: BatchState): string | undefined {
  for (const identifier of record.identifiers) {
    const owner = state.identifierOwners.get(identifierKey(identifier));
    if (owner) return owner;
  }
  return undefined;
}

/**
 * Whether a held source carries a copy of our write: an unchanged copy must stay one, even where
 * its profile's sent values are gone or kept under an id merged away since.
 */
function holdsAnyCopy(state: BatchState): boolean {
  for (const source of state.sources.values()) if (source.echoedTraits) return true;
  return false;
}

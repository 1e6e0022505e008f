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
  const liveSources = liveSourcesByProfileAndConnection(state);
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
      profileId ? siblingsOf(record, liveSources.get(`${profileId} ${record.connectionId}`)) : [],
    );
    return echoes ? { ...record, ...echoes } : record;
  });
}

/** Live held sources by profile and connection (`profileId connectionId`), built once a batch. */
function liveSourcesByProfileAndConnection(state: BatchState): Map<string, SourceState[]> {
  const index = new Map<string, SourceState[]>();
  for (const source of state.sources.values()) {
    if (source.deleted) continue;
    const key = `${source.profileId} ${source.connectionId}`;
    const list = index.get(key);
    if (list) list.push(source);
    else index.set(key, [source]);
  }
  return index;
}

/** The profile's other live records of the record's connection (its earlier ids). */
function siblingsOf(record: PreparedRecord, sources: SourceState[] = []): SourceState[] {
  return sources.filter((source) => source.externalId !== record.externalId);
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

import { identifierKey } from '../identity/identifier';
import { PreparedRecord, sourceKey } from '../ingest/prepared-record';
import { findEchoes } from '../survivorship/sent-values';
import { BatchState } from './batch-state';

/**
 * The batch's records with the traits that echo our own writes marked and dated as their
 * origin (see sent-values.ts). A record's profile is the one holding its source, else the one owning
 * one of its identifiers (a contact our push created, seen for the first time); the values are
 * those we sent to the record's own connection for that profile.
 */
export function recognizeEchoes(records: PreparedRecord[], state: BatchState): PreparedRecord[] {
  // Most batches touch no profile that was ever pushed.
  if (state.sentValues.size === 0) return records;
  return records.map((record) => {
    const profileId = profileOf(record, state);
    const sent = profileId && state.sentValues.get(profileId)?.get(record.connectionId);
    if (!sent || record.deleted) return record;
    const echoes = findEchoes(record, sent);
    return echoes ? { ...record, ...echoes } : record;
  });
}

function profileOf(record: PreparedRecord, state: BatchState): string | undefined {
  const source = state.sources.get(sourceKey(record.connectionId, record.externalId));
  if (source) return source.profileId;
  for (const identifier of record.identifiers) {
    const owner = state.identifierOwners.get(identifierKey(identifier));
    if (owner) return owner;
  }
  return undefined;
}

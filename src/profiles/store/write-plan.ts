import { CanonicalTraits } from '../canonical/canonical-traits';
import { Identifier } from '../identity/identifier';
import { IngestCause } from '../ingest/ingest-job';
import { TraitChanges } from '../survivorship/diff-traits';
import { StoredProvenance } from '../survivorship/stored-provenance';
import { ProfileStatus, SourceState } from './batch-state';

export interface ProfileRow {
  id: string;
  status: ProfileStatus;
  mergedInto: string | null;
  traits: CanonicalTraits;
  provenance: StoredProvenance;
  createdAt: string;
}

/** A source record to write: its state plus the vendor payload kept for export. */
export interface SourceRow extends SourceState {
  raw: unknown;
}

export interface IdentifierRow extends Identifier {
  profileId: string;
}

export type ChangeKind =
  'created' | 'updated' | 'merged' | 'split' | 'closed' | 'reopened' | 'erased' | 'outvoted';

/** A record that lost survivorship: its tool holds other values than the profile for these traits. */
export interface OutvotedRecord {
  connectionId: string;
  externalId: string;
  traits: string[];
}

/** The JSON payload of a change-log row. */
export interface ChangePayload {
  traits?: TraitChanges;
  identifiersAdded?: Identifier[];
  mergedIds?: string[];
  mergedInto?: string;
  mergeId?: string;
  linkedBy?: Identifier | { type: 'external'; value: string };
  restoredIds?: string[];
  outvoted?: OutvotedRecord[];
}

/** Cause as stored on change-log and merge rows: the batch cause plus the record(s). */
export interface ChangeCause extends Omit<IngestCause, 'kind'> {
  kind: IngestCause['kind'] | 'split' | 'erase';
  connectionId?: string;
  externalIds?: string[];
  actor?: string;
}

export interface ChangeRow {
  profileId: string;
  kind: ChangeKind;
  changes: ChangePayload;
  cause: ChangeCause;
}

export interface MergeRow {
  id: string;
  survivorId: string;
  mergedIds: string[];
  identifierType: string;
  identifierValue: string;
  cause: ChangeCause;
  /** What moved from each merged profile, so a split can move it back. */
  moved: Record<string, { sources: [string, string][]; identifiers: Identifier[] }>;
}

export interface ConflictRow {
  profileId: string;
  otherProfileIds: string[];
  reason: 'email-limit' | 'phone-limit' | 'external-limit' | 'merge-limit' | 'shared-phone';
  identifierType: string;
  identifierValue: string;
  connectionId: string;
  externalId: string;
}

/** Every row a batch writes, computed in memory, applied with one set-based statement each. */
export interface WritePlan {
  newProfiles: ProfileRow[];
  updatedProfiles: ProfileRow[];
  /**
   * mergedId → its final survivor (never a merged profile): profiles that redirected to a merged
   * id now redirect to that survivor, in one statement, so no redirect chain is left.
   */
  redirects: { from: string; to: string }[];
  newSources: SourceRow[];
  updatedSources: SourceRow[];
  /** Existing sources that only changed owner (merge). */
  movedSources: { connectionId: string; externalId: string; profileId: string }[];
  /** Held sources seen again unchanged but later: their new observation time. */
  reobservedSources: { connectionId: string; externalId: string; observedAt: string }[];
  newIdentifiers: IdentifierRow[];
  movedIdentifiers: IdentifierRow[];
  merges: MergeRow[];
  conflicts: ConflictRow[];
  changes: ChangeRow[];
}

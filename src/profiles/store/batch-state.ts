import { CanonicalTraits } from '../canonical/canonical-traits';
import { Identifier } from '../identity/identifier';
import { SentValues } from '../survivorship/sent-values';
import { StoredProvenance } from '../survivorship/stored-provenance';

export type ProfileStatus = 'active' | 'closed' | 'merged';

/** A profile as the batch sees it (locked in the database, or created by this batch). */
export interface ProfileState {
  id: string;
  status: ProfileStatus;
  /** The status when the batch started (resolution changes `status` when it merges). */
  loadedStatus: ProfileStatus;
  mergedInto: string | null;
  /** ISO 8601; "oldest" means smallest (createdAt, id). */
  createdAt: string;
  traits: CanonicalTraits;
  provenance: StoredProvenance;
  isNew: boolean;
}

/** A source record held in the database or written by this batch. */
export interface SourceState {
  connectionId: string;
  externalId: string;
  profileId: string;
  updatedAt: string;
  /** When the held version was seen; null for versions stored before this was recorded. */
  observedAt: string | null;
  hash: string;
  deleted: boolean;
  traits: CanonicalTraits;
  identifiers: Identifier[];
  /** Trait name → when its value was set, where earlier than `updatedAt` (see PreparedRecord). */
  traitTimes: Record<string, string> | null;
  /** Traits that echo our own write to this connection (see PreparedRecord); null when none. */
  echoedTraits: string[] | null;
}

/**
 * Everything identity resolution needs about the profiles a batch touches. Loaded after the
 * profiles are locked, so nobody else changes them until the batch commits.
 */
export interface BatchState {
  profiles: Map<string, ProfileState>;
  /** identifierKey → owning profile id, for every identifier of every loaded profile. */
  identifierOwners: Map<string, string>;
  /** sourceKey → source, for every source of every loaded profile. */
  sources: Map<string, SourceState>;
  /** Profile id → connection id → values we sent there (see sent-values.ts); loaded profiles only. */
  sentValues: Map<string, Map<string, SentValues>>;
  /**
   * sourceKey → the profile Syncline created that record for, for the batch's records without
   * an email or phone: nothing else would tie our own creation, read back, to its person.
   */
  createdFor?: ReadonlyMap<string, string>;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CanonicalTraits } from '../canonical/canonical-traits';
import { Identifier } from '../identity/identifier';

/** The latest version of one vendor record; (connection, external id) is the external identifier. */
@Entity({ name: 'source_record' })
export class SourceRecordEntity {
  @PrimaryColumn({ name: 'connection_id', type: 'uuid' }) connectionId!: string;
  @PrimaryColumn({ name: 'external_id', type: 'text' }) externalId!: string;
  @Column({ name: 'profile_id', type: 'uuid' }) profileId!: string;
  @Column({ name: 'vendor_updated_at', type: 'timestamptz' }) vendorUpdatedAt!: Date;
  /** When the held version was seen (see IngestItem.observedAt); null for older rows. */
  @Column({ name: 'observed_at', type: 'timestamptz', nullable: true }) observedAt!: Date | null;
  @Column({ name: 'content_hash', type: 'bytea' }) contentHash!: Buffer;
  @Column({ type: 'boolean' }) deleted!: boolean;
  @Column({ type: 'json' }) traits!: CanonicalTraits;
  @Column({ type: 'json' }) identifiers!: Identifier[];
  /** Trait name → when the vendor says its value was set, where earlier than the record's time. */
  @Column({ name: 'trait_times', type: 'json', nullable: true }) traitTimes!: Record<
    string,
    string
  > | null;
  /** Traits whose value echoes Syncline's own write to this connection (sent-values.ts). */
  @Column({ name: 'echoed_traits', type: 'json', nullable: true }) echoedTraits!: string[] | null;
  @Column({ type: 'json', nullable: true }) raw!: unknown;
  @Column({ name: 'received_at', type: 'timestamptz' }) receivedAt!: Date;
}

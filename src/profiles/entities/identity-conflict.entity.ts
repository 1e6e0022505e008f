import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A record the guards kept from merging or from adding an identifier (config/identity.json). */
@Entity({ name: 'identity_conflict' })
export class IdentityConflictEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'profile_id', type: 'uuid' }) profileId!: string;
  @Column({ name: 'other_profile_ids', type: 'uuid', array: true }) otherProfileIds!: string[];
  @Column({ type: 'text' }) reason!: string;
  @Column({ name: 'identifier_type', type: 'text' }) identifierType!: string;
  @Column({ name: 'identifier_value', type: 'text' }) identifierValue!: string;
  @Column({ name: 'connection_id', type: 'uuid' }) connectionId!: string;
  @Column({ name: 'external_id', type: 'text' }) externalId!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';
import { ChangeCause, MergeRow } from '../store/write-plan';

/** A merge: who survived, who was merged, which identifier linked them, which record caused it. */
@Entity({ name: 'profile_merge' })
export class ProfileMergeEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'survivor_id', type: 'uuid' }) survivorId!: string;
  @Column({ name: 'merged_ids', type: 'uuid', array: true }) mergedIds!: string[];
  @Column({ name: 'identifier_type', type: 'text' }) identifierType!: string;
  @Column({ name: 'identifier_value', type: 'text' }) identifierValue!: string;
  @Column({ type: 'jsonb' }) cause!: ChangeCause;
  @Column({ type: 'jsonb' }) moved!: MergeRow['moved'];
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'split_at', type: 'timestamptz', nullable: true }) splitAt!: Date | null;
  @Column({ name: 'split_by', type: 'text', nullable: true }) splitBy!: string | null;
}

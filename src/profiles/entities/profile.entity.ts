import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CanonicalTraits } from '../canonical/canonical-traits';
import { Provenance } from '../survivorship/compute-traits';
import { ProfileStatus } from '../store/batch-state';

/** One person. `merged` profiles are redirect stubs pointing at their survivor. Written by ProfileStore only. */
@Entity({ name: 'profile' })
export class ProfileEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ type: 'text' }) status!: ProfileStatus;
  @Column({ type: 'jsonb' }) traits!: CanonicalTraits;
  @Column({ type: 'jsonb' }) provenance!: Provenance;
  @Column({ name: 'merged_into', type: 'uuid', nullable: true }) mergedInto!: string | null;
  @Column({ name: 'search_text', type: 'text', select: false }) searchText!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CanonicalTraits } from '../canonical/canonical-traits';
import { StoredProvenance } from '../survivorship/stored-provenance';
import { ProfileStatus } from '../store/batch-state';

/** One person. `merged` profiles are redirect stubs pointing at their survivor. Written by ProfileStore only. */
@Entity({ name: 'profile' })
export class ProfileEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ type: 'text' }) status!: ProfileStatus;
  @Column({ type: 'jsonb' }) traits!: CanonicalTraits;
  /** See StoredProvenance; `readProvenance` gives the per-trait map. */
  @Column({ type: 'json' }) provenance!: StoredProvenance;
  @Column({ name: 'merged_into', type: 'uuid', nullable: true }) mergedInto!: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

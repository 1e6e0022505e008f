import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A normalized email or phone; its primary key guarantees one profile per identifier. */
@Entity({ name: 'profile_identifier' })
export class ProfileIdentifierEntity {
  @PrimaryColumn({ type: 'text' }) type!: 'email' | 'phone';
  @PrimaryColumn({ type: 'text' }) value!: string;
  @Column({ name: 'profile_id', type: 'uuid' }) profileId!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';
import { ChangeCause, ChangeKind, ChangePayload } from '../store/write-plan';

/** The outbox: one row per profile change, appended in the transaction that made it. */
@Entity({ name: 'profile_change' })
export class ProfileChangeEntity {
  /** bigserial, returned by pg as a string to keep 64-bit precision. */
  @PrimaryColumn({ type: 'bigint' }) seq!: string;
  @Column({ name: 'profile_id', type: 'uuid' }) profileId!: string;
  @Column({ type: 'text' }) kind!: ChangeKind;
  @Column({ type: 'json', nullable: true }) changes!: ChangePayload | null;
  @Column({ type: 'json', nullable: true }) cause!: ChangeCause | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The mass-deletion guard of full syncs. `held_records` is how many live source records the
 * connection had when the run's read started: the share of them a full read did not return is
 * what the guard measures, and a snapshot keeps that share independent of how far the run's own
 * batches were ingested when it is measured (or measured again after a crash).
 * `allow_mass_deletion` is the admin's explicit consent to delete past the guard, kept on the
 * run so every attempt of it decides alike.
 */
export class SyncRunDeletionGuard1732369400000 implements MigrationInterface {
  name = 'SyncRunDeletionGuard1732369400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE sync_run ADD COLUMN allow_mass_deletion boolean NOT NULL DEFAULT false,
                            ADD COLUMN held_records integer`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE sync_run DROP COLUMN held_records, DROP COLUMN allow_mass_deletion`,
    );
  }
}

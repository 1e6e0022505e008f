import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `sync_run.pages_read_at`: when the connector's last page was read and checkpointed. A run
 * resumed after that point (its worker died, or lost its job lock, while queueing deletions
 * or finishing) must not read again: a checkpointed cursor past the last page means "start
 * over" to some connectors (HubSpot's full list), which re-read every record.
 */
export class SyncRunPagesRead1732340000000 implements MigrationInterface {
  name = 'SyncRunPagesRead1732340000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE sync_run ADD COLUMN pages_read_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE sync_run DROP COLUMN pages_read_at`);
  }
}

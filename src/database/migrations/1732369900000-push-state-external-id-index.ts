import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Finds the profile a destination's record was created for, by the record's id: ingest links a
 * record that carries no email or phone to that profile instead of starting a new one
 * (src/profiles/store/profile-batch.repository.ts, `lookup`).
 */
export class PushStateExternalIdIndex1732369900000 implements MigrationInterface {
  name = 'PushStateExternalIdIndex1732369900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX push_state_external_idx ON push_state (connection_id, external_id)
        WHERE external_id IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX push_state_external_idx`);
  }
}

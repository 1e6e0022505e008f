import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Secrets the service generates for itself (the salt of erased people's suppression hashes),
 * sealed under SECRETS_KEY like connection credentials, so they survive a key rotation:
 * a value derived from the key instead would change with it.
 */
export class SealedSettings1732369300000 implements MigrationInterface {
  name = 'SealedSettings1732369300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE sealed_setting (
        name       text PRIMARY KEY,
        sealed     text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE sealed_setting`);
  }
}

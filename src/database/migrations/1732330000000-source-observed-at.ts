import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `source_record.observed_at`: when the held version was seen (a sync's page read, or the
 * vendor's trigger time of a webhook). Several vendors stamp records to the second (Shopify,
 * Zendesk, Mailchimp), so two different versions can carry the same `updatedAt`; the later
 * observation is then the later state (see `compareVersions`). Null for rows written before,
 * which order as the oldest observation.
 */
export class SourceObservedAt1732330000000 implements MigrationInterface {
  name = 'SourceObservedAt1732330000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE source_record ADD COLUMN observed_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE source_record DROP COLUMN observed_at`);
  }
}

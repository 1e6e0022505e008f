import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When the vendor says a trait of a source record was set, where that differs from the record's
 * `updatedAt` (Shopify's consent time, say): survivorship dates that trait by it. NULL for the
 * records (nearly all) whose traits all date from their `updatedAt`. Write-once JSON like the
 * record's other mapped values, so `json`.
 */
export class SourceTraitTimes1732369500000 implements MigrationInterface {
  name = 'SourceTraitTimes1732369500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE source_record ADD COLUMN trait_times json`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE source_record DROP COLUMN trait_times`);
  }
}

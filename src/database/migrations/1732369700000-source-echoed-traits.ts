import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The traits of a source record whose values are the echo of Syncline's own write to that
 * connection (src/profiles/survivorship/sent-values.ts): survivorship ranks them as a copy of
 * their origin, without the connection's priority. NULL for nearly every record.
 */
export class SourceEchoedTraits1732369700000 implements MigrationInterface {
  name = 'SourceEchoedTraits1732369700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE source_record ADD COLUMN echoed_traits json`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE source_record DROP COLUMN echoed_traits`);
  }
}

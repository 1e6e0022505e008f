import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Change-log kind `outvoted`: a record a connection sent lost survivorship, so the profile did
 * not change but that tool now holds something else. The row makes outbound push the profile,
 * which puts the tool right (src/profiles/store/build-write-plan.ts).
 */
export class OutvotedChangeKind1732369800000 implements MigrationInterface {
  name = 'OutvotedChangeKind1732369800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE profile_change DROP CONSTRAINT profile_change_kind_check,
        ADD CONSTRAINT profile_change_kind_check CHECK (kind IN ('created', 'updated', 'merged',
          'split', 'closed', 'reopened', 'erased', 'outvoted'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM profile_change WHERE kind = 'outvoted'`);
    await queryRunner.query(`
      ALTER TABLE profile_change DROP CONSTRAINT profile_change_kind_check,
        ADD CONSTRAINT profile_change_kind_check CHECK (kind IN ('created', 'updated', 'merged',
          'split', 'closed', 'reopened', 'erased'))`);
  }
}

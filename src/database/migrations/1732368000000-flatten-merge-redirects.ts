import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Points every merged profile at its final survivor. Before this, two merges in one batch
 * (C into B, then B into A) left `merged_into` naming a profile that was itself merged, and
 * readers follow one hop: export found no records, erase failed on the profile check. Ingest now
 * writes final survivors only; this repairs what it wrote before. The hops themselves are kept
 * in `profile_merge`, so `down` has nothing to restore.
 */
export class FlattenMergeRedirects1732368000000 implements MigrationInterface {
  name = 'FlattenMergeRedirects1732368000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      WITH RECURSIVE hop(id, target, depth) AS (
        SELECT id, merged_into, 1 FROM profile WHERE merged_into IS NOT NULL
        UNION ALL
        SELECT hop.id, p.merged_into, hop.depth + 1
          FROM hop JOIN profile p ON p.id = hop.target
         WHERE p.merged_into IS NOT NULL AND hop.depth < 1000
      )
      UPDATE profile p SET merged_into = last.target, updated_at = now()
        FROM (SELECT DISTINCT ON (id) id, target FROM hop ORDER BY id, depth DESC) AS last
       WHERE p.id = last.id AND p.merged_into <> last.target`);
  }

  async down(): Promise<void> {
    // Nothing to undo: a one-hop redirect is what the code before this migration wrote too.
  }
}

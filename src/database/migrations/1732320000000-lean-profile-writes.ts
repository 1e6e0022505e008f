import { MigrationInterface, QueryRunner } from 'typeorm';

const PREFIX_INDEXES = [
  ['profile_first_name_prefix_idx', 'firstName'],
  ['profile_last_name_prefix_idx', 'lastName'],
  ['profile_email_prefix_idx', 'email'],
] as const;

/**
 * Less to write per ingested record, which is what bounds ingest throughput:
 *
 * - `GET /v1/profiles?q=` becomes a prefix search on first name, last name and email, served
 *   by three btree expression indexes, instead of a substring search on a denormalised
 *   `search_text` column through a trigram GIN index (about forty index entries per profile
 *   write, plus pending-list flushes). `COLLATE "C"` makes `LIKE 'prefix%'` an index range scan
 *   whatever the database collation.
 * - `profile.provenance` is stored grouped by source record (`[[connectionId, externalId,
 *   updatedAt, [trait, …]], …]`, see StoredProvenance) instead of one object per trait: about a
 *   fifth of the bytes. The API still shows the per-trait map.
 * - `source_record` and `profile_identifier` lose their foreign keys to `profile`. Each checked
 *   row cost an index probe and a row lock on the profile (itself a WAL record); the profile
 *   store, their only writer, inserts them only for profiles it created or locked in the same
 *   transaction, and erase deletes them explicitly instead of by cascade.
 * - Identifier values and external ids compare with `COLLATE "C"` (bytes): they are only ever
 *   matched for equality, which means the same under any collation, and their primary keys are
 *   probed and extended for every record, where locale-aware comparison was a measurable cost.
 */
export class LeanProfileWrites1732320000000 implements MigrationInterface {
  name = 'LeanProfileWrites1732320000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX profile_search_idx`);
    await queryRunner.query(`ALTER TABLE profile DROP COLUMN search_text`);
    for (const [name, trait] of PREFIX_INDEXES) {
      await queryRunner.query(
        `CREATE INDEX ${name} ON profile ((lower(traits->>'${trait}') COLLATE "C"))`,
      );
    }

    await queryRunner.query(`
      UPDATE profile p
         SET provenance = coalesce((
               SELECT jsonb_agg(jsonb_build_array(g.connection_id, g.external_id, g.updated_at, g.traits)
                                ORDER BY g.connection_id COLLATE "C", g.external_id COLLATE "C")
                 FROM (SELECT e.value->>'connectionId' AS connection_id,
                              e.value->>'externalId' AS external_id,
                              e.value->>'updatedAt' AS updated_at,
                              jsonb_agg(e.key ORDER BY e.key COLLATE "C") AS traits
                         FROM jsonb_each(p.provenance) AS e
                        GROUP BY 1, 2, 3) g), '[]'::jsonb)
       WHERE jsonb_typeof(p.provenance) = 'object'`);
    await queryRunner.query(`ALTER TABLE profile ALTER COLUMN provenance SET DEFAULT '[]'::jsonb`);

    await queryRunner.query(
      `ALTER TABLE source_record DROP CONSTRAINT source_record_profile_id_fkey`,
    );
    await queryRunner.query(
      `ALTER TABLE profile_identifier DROP CONSTRAINT profile_identifier_profile_id_fkey`,
    );

    // Same type, other collation: no table rewrite, only the indexes on these columns are rebuilt.
    await queryRunner.query(
      `ALTER TABLE profile_identifier ALTER COLUMN type TYPE text COLLATE "C",
                                     ALTER COLUMN value TYPE text COLLATE "C"`,
    );
    await queryRunner.query(
      `ALTER TABLE source_record ALTER COLUMN external_id TYPE text COLLATE "C"`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE source_record ALTER COLUMN external_id TYPE text COLLATE "default"`,
    );
    await queryRunner.query(
      `ALTER TABLE profile_identifier ALTER COLUMN type TYPE text COLLATE "default",
                                     ALTER COLUMN value TYPE text COLLATE "default"`,
    );

    await queryRunner.query(
      `ALTER TABLE profile_identifier ADD CONSTRAINT profile_identifier_profile_id_fkey
         FOREIGN KEY (profile_id) REFERENCES profile (id) ON DELETE CASCADE`,
    );
    await queryRunner.query(
      `ALTER TABLE source_record ADD CONSTRAINT source_record_profile_id_fkey
         FOREIGN KEY (profile_id) REFERENCES profile (id) ON DELETE CASCADE`,
    );

    await queryRunner.query(`ALTER TABLE profile ALTER COLUMN provenance SET DEFAULT '{}'::jsonb`);
    await queryRunner.query(`
      UPDATE profile p
         SET provenance = coalesce((
               SELECT jsonb_object_agg(t.name, jsonb_build_object('connectionId', e->>0,
                                       'externalId', e->>1, 'updatedAt', e->>2))
                 FROM jsonb_array_elements(p.provenance) AS e,
                      jsonb_array_elements_text(e->3) AS t(name)), '{}'::jsonb)
       WHERE jsonb_typeof(p.provenance) = 'array'`);

    for (const [name] of PREFIX_INDEXES) await queryRunner.query(`DROP INDEX ${name}`);
    await queryRunner.query(`ALTER TABLE profile ADD COLUMN search_text text NOT NULL DEFAULT ''`);
    await queryRunner.query(`
      UPDATE profile
         SET search_text = lower(concat_ws(' ', nullif(traits->>'firstName', ''),
                                 nullif(traits->>'lastName', ''), nullif(traits->>'email', '')))`);
    await queryRunner.query(
      `CREATE INDEX profile_search_idx ON profile USING gin (search_text gin_trgm_ops)`,
    );
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The canonical profile store. Source records are the truth (the latest version of each
 * vendor record); profiles, their traits and provenance are derived from them, which is what
 * lets a merge be split again. `profile_change` is the outbox: every profile change appends a
 * row in the same transaction.
 */
export class Profiles1732290000000 implements MigrationInterface {
  name = 'Profiles1732290000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await queryRunner.query(`
      CREATE TABLE profile (
        id uuid PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('active', 'closed', 'merged')),
        traits jsonb NOT NULL DEFAULT '{}'::jsonb,
        provenance jsonb NOT NULL DEFAULT '{}'::jsonb,
        merged_into uuid REFERENCES profile (id) ON DELETE SET NULL,
        search_text text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((status = 'merged') = (merged_into IS NOT NULL))
      )`);
    await queryRunner.query(`CREATE INDEX profile_created_idx ON profile (created_at, id)`);
    await queryRunner.query(
      `CREATE INDEX profile_merged_into_idx ON profile (merged_into) WHERE merged_into IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX profile_search_idx ON profile USING gin (search_text gin_trgm_ops)`,
    );

    // Email and phone identifiers. External identifiers are the keys of source_record.
    // The primary key is what makes "one profile per identifier" hold under concurrency.
    await queryRunner.query(`
      CREATE TABLE profile_identifier (
        type text NOT NULL CHECK (type IN ('email', 'phone')),
        value text NOT NULL,
        profile_id uuid NOT NULL REFERENCES profile (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (type, value)
      )`);
    await queryRunner.query(
      `CREATE INDEX profile_identifier_profile_idx ON profile_identifier (profile_id)`,
    );

    await queryRunner.query(`
      CREATE TABLE source_record (
        connection_id uuid NOT NULL,
        external_id text NOT NULL,
        profile_id uuid NOT NULL REFERENCES profile (id) ON DELETE CASCADE,
        vendor_updated_at timestamptz NOT NULL,
        content_hash bytea NOT NULL,
        deleted boolean NOT NULL DEFAULT false,
        traits jsonb NOT NULL,
        identifiers jsonb NOT NULL DEFAULT '[]'::jsonb,
        raw jsonb,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connection_id, external_id)
      )`);
    await queryRunner.query(`CREATE INDEX source_record_profile_idx ON source_record (profile_id)`);

    await queryRunner.query(`
      CREATE TABLE profile_merge (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        survivor_id uuid NOT NULL REFERENCES profile (id) ON DELETE CASCADE,
        merged_ids uuid[] NOT NULL,
        identifier_type text NOT NULL,
        identifier_value text NOT NULL,
        cause jsonb NOT NULL,
        moved jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        split_at timestamptz,
        split_by text
      )`);
    await queryRunner.query(
      `CREATE INDEX profile_merge_survivor_idx ON profile_merge (survivor_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX profile_merge_merged_idx ON profile_merge USING gin (merged_ids)`,
    );

    await queryRunner.query(`
      CREATE TABLE identity_conflict (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        profile_id uuid NOT NULL REFERENCES profile (id) ON DELETE CASCADE,
        other_profile_ids uuid[] NOT NULL DEFAULT '{}',
        reason text NOT NULL,
        identifier_type text NOT NULL,
        identifier_value text NOT NULL,
        connection_id uuid NOT NULL,
        external_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX identity_conflict_profile_idx ON identity_conflict (profile_id, created_at)`,
    );

    // The outbox. seq orders changes; tx lets a reader skip rows of still-open transactions
    // (read only rows with tx < pg_snapshot_xmin(pg_current_snapshot())), because sequence
    // values become visible out of order when transactions commit out of order.
    await queryRunner.query(`
      CREATE TABLE profile_change (
        seq bigserial PRIMARY KEY,
        profile_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('created', 'updated', 'merged', 'split', 'closed', 'reopened', 'erased')),
        changes jsonb,
        cause jsonb,
        tx xid8 NOT NULL DEFAULT pg_current_xact_id(),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX profile_change_profile_idx ON profile_change (profile_id, seq)`,
    );

    // Identifiers blocked at run time (by a split); the static block list is config/identity.json.
    await queryRunner.query(`
      CREATE TABLE identity_block (
        type text NOT NULL,
        value text NOT NULL,
        reason text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (type, value)
      )`);

    // SHA-256(salt || type || ':' || value) of every identifier of an erased person.
    await queryRunner.query(`
      CREATE TABLE profile_suppression (
        hash bytea PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'profile_suppression',
      'identity_block',
      'profile_change',
      'identity_conflict',
      'profile_merge',
      'source_record',
      'profile_identifier',
      'profile',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}

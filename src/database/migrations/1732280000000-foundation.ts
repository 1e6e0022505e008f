import { MigrationInterface, QueryRunner } from 'typeorm';

/** Admin API tokens and connector connections. */
export class Foundation1732280000000 implements MigrationInterface {
  name = 'Foundation1732280000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE api_token (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'viewer')),
        token_hash bytea NOT NULL UNIQUE,
        token_prefix text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz
      )`);
    await queryRunner.query(`
      CREATE TABLE connection (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        connector text NOT NULL,
        name text NOT NULL UNIQUE,
        config jsonb NOT NULL DEFAULT '{}'::jsonb,
        credentials jsonb NOT NULL DEFAULT '{}'::jsonb,
        direction text NOT NULL CHECK (direction IN ('pull', 'push', 'both')),
        schedule text,
        enabled boolean NOT NULL DEFAULT true,
        priority integer,
        mapping jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX connection_connector_idx ON connection (connector)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE connection`);
    await queryRunner.query(`DROP TABLE api_token`);
  }
}

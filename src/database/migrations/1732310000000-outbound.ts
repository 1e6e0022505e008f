import { MigrationInterface, QueryRunner } from 'typeorm';

/** Outbound path: the relay's position in the change log, what each destination holds, erasures to propagate. */
export class Outbound1732310000000 implements MigrationInterface {
  name = 'Outbound1732310000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Position as (transaction id, seq): rows are read only from transactions older than every
    // one still running, so a row committed late with a lower seq is never skipped.
    await queryRunner.query(`
      CREATE TABLE outbox_position (
        relay text PRIMARY KEY,
        last_tx xid8 NOT NULL DEFAULT '0'::xid8,
        last_seq bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`INSERT INTO outbox_position (relay) VALUES ('outbound')`);
    await queryRunner.query(`CREATE INDEX profile_change_tx_seq_idx ON profile_change (tx, seq)`);

    // No foreign key to profile: the row must outlive an erased profile until the erase is
    // propagated to the destination.
    await queryRunner.query(`
      CREATE TABLE push_state (
        connection_id uuid NOT NULL REFERENCES connection (id) ON DELETE CASCADE,
        profile_id uuid NOT NULL,
        external_id text,
        -- The vendor fields as last written successfully: the base of the next diff.
        fields jsonb NOT NULL DEFAULT '{}'::jsonb,
        status text NOT NULL CHECK (status IN ('ok', 'failed')),
        error text,
        pushed_at timestamptz,
        attempted_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connection_id, profile_id)
      )`);
    await queryRunner.query(`CREATE INDEX push_state_profile_idx ON push_state (profile_id)`);

    await queryRunner.query(`
      ALTER TABLE connection ADD COLUMN propagate_erase boolean NOT NULL DEFAULT true`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE connection DROP COLUMN propagate_erase`);
    await queryRunner.query(`DROP TABLE push_state`);
    await queryRunner.query(`DROP INDEX profile_change_tx_seq_idx`);
    await queryRunner.query(`DROP TABLE outbox_position`);
  }
}

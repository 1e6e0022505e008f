import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The canonical values Syncline last sent to each destination for each profile, with the time
 * each value was set at its origin and when it was sent (src/profiles/survivorship/sent-values.ts).
 * Ingest reads them to recognise a destination handing our own write back to us (its webhook
 * or next sync) and dates that value as its origin did, not as the destination's write.
 *
 * Keyed by profile first: ingest looks up every connection's values for the profiles it locked.
 * No foreign key to profile (like push_state); erase deletes the rows in its own transaction.
 */
export class PushSentValues1732369600000 implements MigrationInterface {
  name = 'PushSentValues1732369600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE push_sent_values (
        profile_id uuid NOT NULL,
        connection_id uuid NOT NULL REFERENCES connection (id) ON DELETE CASCADE,
        traits json NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (profile_id, connection_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE push_sent_values`);
  }
}

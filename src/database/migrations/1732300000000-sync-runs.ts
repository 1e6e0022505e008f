import { MigrationInterface, QueryRunner } from 'typeorm';

/** Sync runs with their checkpoints and record-level errors, per-connection cursors, dead letters. */
export class SyncRuns1732300000000 implements MigrationInterface {
  name = 'SyncRuns1732300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE sync_run (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        connection_id uuid NOT NULL REFERENCES connection (id) ON DELETE CASCADE,
        mode text NOT NULL CHECK (mode IN ('full', 'incremental')),
        trigger text NOT NULL CHECK (trigger IN ('manual', 'schedule')),
        -- The scheduler tick (BullMQ job id) that started the run: a retried tick resumes its run.
        trigger_key text UNIQUE,
        status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
        look_back_ms integer NOT NULL DEFAULT 0,
        start_cursor jsonb,
        -- Last checkpoint: where a resumed run continues reading.
        cursor jsonb,
        pages integer NOT NULL DEFAULT 0,
        records_read integer NOT NULL DEFAULT 0,
        records_queued integer NOT NULL DEFAULT 0,
        map_failed integer NOT NULL DEFAULT 0,
        deletions_queued integer NOT NULL DEFAULT 0,
        batches_queued integer NOT NULL DEFAULT 0,
        batches_done integer NOT NULL DEFAULT 0,
        ingested integer NOT NULL DEFAULT 0,
        unchanged integer NOT NULL DEFAULT 0,
        stale integer NOT NULL DEFAULT 0,
        suppressed integer NOT NULL DEFAULT 0,
        rejected integer NOT NULL DEFAULT 0,
        attempts integer NOT NULL DEFAULT 0,
        cancel_requested boolean NOT NULL DEFAULT false,
        error text,
        queued_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        read_finished_at timestamptz,
        finished_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // One sync per connection at a time, enforced by the database rather than by a check-then-act.
    await queryRunner.query(`
      CREATE UNIQUE INDEX sync_run_one_active_idx ON sync_run (connection_id)
        WHERE status IN ('queued', 'running')`);
    await queryRunner.query(
      `CREATE INDEX sync_run_connection_idx ON sync_run (connection_id, queued_at DESC, id DESC)`,
    );
    await queryRunner.query(`CREATE INDEX sync_run_finished_idx ON sync_run (finished_at)`);

    await queryRunner.query(`
      CREATE TABLE sync_run_batch (
        run_id uuid NOT NULL REFERENCES sync_run (id) ON DELETE CASCADE,
        job_id text NOT NULL,
        PRIMARY KEY (run_id, job_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE sync_run_error (
        run_id uuid NOT NULL REFERENCES sync_run (id) ON DELETE CASCADE,
        external_id text NOT NULL,
        reason text NOT NULL,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (run_id, external_id)
      )`);
    // Vendor ids a full run returned: what is missing afterwards was deleted at the vendor.
    await queryRunner.query(`
      CREATE TABLE sync_run_seen (
        run_id uuid NOT NULL REFERENCES sync_run (id) ON DELETE CASCADE,
        external_id text NOT NULL,
        PRIMARY KEY (run_id, external_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE connection_sync_state (
        connection_id uuid PRIMARY KEY REFERENCES connection (id) ON DELETE CASCADE,
        cursor jsonb,
        last_run_id uuid,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await queryRunner.query(`
      CREATE TABLE dead_letter (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        queue text NOT NULL,
        job_name text NOT NULL,
        -- The BullMQ job that failed; null for records that never became a job (mapping failures).
        job_id text,
        data jsonb NOT NULL,
        error text NOT NULL,
        attempts integer NOT NULL,
        connection_id uuid,
        sync_run_id uuid,
        failed_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        replayed_at timestamptz,
        replay_job_id text
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX dead_letter_job_idx ON dead_letter (queue, job_id) WHERE job_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX dead_letter_list_idx ON dead_letter (created_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX dead_letter_connection_idx ON dead_letter (connection_id) WHERE replayed_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX dead_letter_run_idx ON dead_letter (sync_run_id) WHERE sync_run_id IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE dead_letter`);
    await queryRunner.query(`DROP TABLE connection_sync_state`);
    await queryRunner.query(`DROP TABLE sync_run_seen`);
    await queryRunner.query(`DROP TABLE sync_run_error`);
    await queryRunner.query(`DROP TABLE sync_run_batch`);
    await queryRunner.query(`DROP TABLE sync_run`);
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { KeysetPosition, Positioned } from '../common/pagination/cursor';
import {
  KEYSET_AT,
  KeysetRow,
  keysetTimestampSql,
  withPositions,
} from '../common/pagination/keyset-query';
import { queryRowsOn } from '../database/query-rows';
import type { DeadLetter, NewDeadLetter } from './dead-letter';
import { storablePayload, storableText } from './storable-payload';

interface DeadLetterRow {
  id: string;
  queue: string;
  job_name: string;
  job_id: string | null;
  data: unknown;
  error: string;
  attempts: number;
  connection_id: string | null;
  sync_run_id: string | null;
  failed_at: Date;
  created_at: Date;
  replayed_at: Date | null;
  replay_job_id: string | null;
}

export interface DeadLetterFilter {
  connectionId?: string;
  syncRunId?: string;
  queue?: string;
  status?: 'pending' | 'replayed' | 'all';
}

const MAX_ERROR_LENGTH = 2000;

@Injectable()
export class DeadLetterRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Stores a dead letter. A job already stored (another process swept it first) is not
   * stored twice. @returns whether this call stored it.
   */
  async insert(letter: NewDeadLetter): Promise<boolean> {
    const rows = await queryRowsOn<{ id: string }>(
      this.db,
      `INSERT INTO dead_letter (queue, job_name, job_id, data, error, attempts, connection_id,
                                sync_run_id, failed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (queue, job_id) WHERE job_id IS NOT NULL DO NOTHING
       RETURNING id`,
      [
        letter.queue,
        letter.jobName,
        letter.jobId,
        JSON.stringify(storablePayload(letter.data ?? null)),
        storableText(letter.error.slice(0, MAX_ERROR_LENGTH)),
        letter.attempts,
        letter.connectionId,
        letter.syncRunId,
        letter.failedAt,
      ],
    );
    return rows.length > 0;
  }

  async findById(id: string): Promise<DeadLetter | null> {
    const [row] = await queryRowsOn<DeadLetterRow>(
      this.db,
      `SELECT * FROM dead_letter WHERE id = $1`,
      [id],
    );
    return row ? toDeadLetter(row) : null;
  }

  /** Newest first, keyset-paginated on (created_at, id). */
  async list(
    filter: DeadLetterFilter,
    limit: number,
    after?: KeysetPosition,
  ): Promise<Positioned<DeadLetter>[]> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      conditions.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.connectionId) add('connection_id = ?', filter.connectionId);
    if (filter.syncRunId) add('sync_run_id = ?', filter.syncRunId);
    if (filter.queue) add('queue = ?', filter.queue);
    if (filter.status === 'pending') conditions.push('replayed_at IS NULL');
    if (filter.status === 'replayed') conditions.push('replayed_at IS NOT NULL');
    if (after) {
      params.push(after.at, after.id);
      conditions.push(
        `(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`,
      );
    }
    params.push(limit);
    const rows = await queryRowsOn<DeadLetterRow & KeysetRow>(
      this.db,
      `SELECT *, ${keysetTimestampSql('created_at')} AS ${KEYSET_AT} FROM dead_letter
       ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
       ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    return withPositions(rows, toDeadLetter);
  }

  /** @returns false when it was already replayed (by a concurrent call). */
  async markReplayed(id: string, replayJobId: string): Promise<boolean> {
    const rows = await queryRowsOn<{ id: string }>(
      this.db,
      `UPDATE dead_letter SET replayed_at = now(), replay_job_id = $2
       WHERE id = $1 AND replayed_at IS NULL RETURNING id`,
      [id, replayJobId],
    );
    return rows.length > 0;
  }
}

function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    id: row.id,
    queue: row.queue,
    jobName: row.job_name,
    jobId: row.job_id,
    data: row.data,
    error: row.error,
    attempts: row.attempts,
    connectionId: row.connection_id,
    syncRunId: row.sync_run_id,
    failedAt: row.failed_at,
    createdAt: row.created_at,
    replayedAt: row.replayed_at,
    replayJobId: row.replay_job_id,
  };
}

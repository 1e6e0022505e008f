import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '../common/errors/domain-error';
import { decodeCursor, Page, toPage } from '../common/pagination/cursor';
import type { DeadLetter, NewDeadLetter, ReplayMarker } from './dead-letter';
import { DeadLetterFilter, DeadLetterRepository } from './dead-letter.repository';
import { DeadLetterSweeper } from './dead-letter-sweeper';
import { QueueDirectory } from '../queues/queue-directory';
import { ConnectionsService } from '../connections/connections.service';

/** Most dead letters one bulk replay re-enqueues; call again for more. */
export const MAX_BULK_REPLAY = 1000;

@Injectable()
export class DeadLettersService {
  constructor(
    private readonly deadLetters: DeadLetterRepository,
    private readonly sweeper: DeadLetterSweeper,
    private readonly queues: QueueDirectory,
    private readonly connections: ConnectionsService,
  ) {}

  /** Stores a record that never became a job (e.g. `mapIn` failed during a sync). */
  async record(letter: NewDeadLetter): Promise<void> {
    await this.deadLetters.insert(letter);
  }

  async list(filter: DeadLetterFilter, limit: number, cursor?: string): Promise<Page<DeadLetter>> {
    // Sweep first so a job that just failed is listed now rather than after the next sweep.
    await this.sweeper.sweep();
    const rows = await this.deadLetters.list(filter, limit + 1, decodeCursor(cursor));
    return toPage(rows, limit, (letter) => letter);
  }

  async get(id: string): Promise<DeadLetter> {
    const letter = await this.deadLetters.findById(id);
    if (!letter) throw new NotFoundError(`No dead letter with id ${id}`);
    return letter;
  }

  /**
   * Re-enqueues the job on its queue with its original payload.
   * @throws ConflictError (409) when it was already replayed, by an earlier call or a concurrent one.
   */
  async replay(id: string): Promise<{ id: string; jobId: string }> {
    const letter = await this.get(id);
    if (letter.replayedAt) throw alreadyReplayed(id, letter.replayJobId);
    const { jobId, marked } = await this.enqueue(letter);
    // A concurrent call marked it first: its job id is the same, so BullMQ kept one job.
    if (!marked) throw alreadyReplayed(id, jobId);
    return { id, jobId };
  }

  /** Replays every pending dead letter of a connection, up to `MAX_BULK_REPLAY`. */
  async replayConnection(connectionId: string): Promise<{ replayed: number; remaining: boolean }> {
    // An unknown id is a 404 as everywhere, not "nothing to replay" (a typo would look fine).
    await this.connections.get(connectionId);
    await this.sweeper.sweep();
    const pending = await this.deadLetters.list(
      { connectionId, status: 'pending' },
      MAX_BULK_REPLAY + 1,
    );
    let replayed = 0;
    for (const { item: letter } of pending.slice(0, MAX_BULK_REPLAY)) {
      // One replayed meanwhile by another call is counted there, not here.
      if ((await this.enqueue(letter)).marked) replayed += 1;
    }
    return { replayed, remaining: pending.length > MAX_BULK_REPLAY };
  }

  /** @returns the replay job's id, and whether this call marked the letter replayed. */
  private async enqueue(letter: DeadLetter): Promise<{ jobId: string; marked: boolean }> {
    const queue = this.queues.get(letter.queue);
    if (!queue) throw new ConflictError(`Queue "${letter.queue}" no longer exists`);
    // Enqueue before marking: a crash in between replays twice (harmless, ingestion is
    // idempotent) rather than never.
    const data: ReplayMarker & Record<string, unknown> = {
      ...(letter.data as Record<string, unknown>),
      replayOf: letter.id,
    };
    const job = await queue.add(letter.jobName, data, { jobId: `replay-${letter.id}` });
    const jobId = job.id ?? `replay-${letter.id}`;
    return { jobId, marked: await this.deadLetters.markReplayed(letter.id, jobId) };
  }
}

function alreadyReplayed(id: string, jobId: string | null): ConflictError {
  return new ConflictError(`Dead letter ${id} was already replayed as job ${jobId}`);
}

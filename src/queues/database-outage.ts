import { Inject, Injectable, Logger } from '@nestjs/common';
import { DelayedError, Job } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';

/** The longest a job waits between two looks at an unreachable database (unless JOB_BACKOFF_MS is longer). */
export const MAX_DATABASE_WAIT_MS = 60_000;

/**
 * SQLSTATEs of a server that cannot serve anyone right now, whatever the query: too many
 * clients (53300), admin or crash shutdown (57P01, 57P02), starting up, shutting down or in
 * recovery (57P03). Class 08 (connection exceptions) is matched as a whole.
 */
const UNAVAILABLE_SQLSTATES = new Set(['53300', '57P01', '57P02', '57P03']);

/** Node socket and DNS errors on the way to the server. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** pg's own errors for a connection that dropped or could not open in time; they carry no code. */
const LOST_CONNECTION =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/**
 * Whether `error` says PostgreSQL could not be reached or is not serving (refused, reset,
 * timed out, dropped, shutting down, out of connection slots): nothing about the job's data.
 * Query errors (constraint violations, bad input, deadlocks) are not.
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  return candidates(error).some((candidate) => {
    // A vendor's network error seen through axios is the vendor's outage, not the database's.
    if ((candidate as { isAxiosError?: unknown }).isAxiosError) return false;
    const code = (candidate as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (SOCKET_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code)) return true;
      if (/^08[0-9A-Z]{3}$/.test(code)) return true;
    }
    const message = (candidate as { message?: unknown }).message;
    return typeof message === 'string' && LOST_CONNECTION.test(message);
  });
}

/**
 * The error and what it wraps the way the database stack wraps: TypeORM's `driverError`, and
 * the per-address errors of an `AggregateError` (a host name with several addresses). Not
 * `cause`: `fetch` puts a vendor's socket error there.
 */
function candidates(error: unknown): object[] {
  if (typeof error !== 'object' || error === null) return [];
  const found: object[] = [error];
  const { driverError, errors } = error as { driverError?: unknown; errors?: unknown };
  if (typeof driverError === 'object' && driverError !== null) found.push(driverError);
  if (Array.isArray(errors)) {
    found.push(...errors.filter((e): e is object => typeof e === 'object' && e !== null));
  }
  return found;
}

/**
 * How long a job waits after `earlierWaits` waits for the database: doubling from
 * `backoffMs`, capped at MAX_DATABASE_WAIT_MS, with jitter so the jobs that waited together
 * do not all come back in the same instant.
 */
export function databaseWaitMs(backoffMs: number, earlierWaits: number): number {
  const cap = Math.max(MAX_DATABASE_WAIT_MS, backoffMs);
  const ceiling = Math.min(cap, backoffMs * 2 ** Math.min(earlierWaits, 30));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/**
 * Runs that did not count as attempts before this one: waits for the database (and, rarely,
 * runs a dead worker left unfinished). BullMQ counts every start in `attemptsStarted`, the
 * current one included, and only counted tries in `attemptsMade`.
 */
function earlierWaits(job: Job): number {
  return Math.max(0, (job.attemptsStarted ?? 0) - job.attemptsMade - 1);
}

/**
 * An outage of PostgreSQL is not a job's fault: a job that failed because the database is
 * unreachable waits for it, with backoff, without spending one of its JOB_ATTEMPTS. Otherwise
 * every job of an outage longer than the retry budget would end in the dead letters, and
 * nothing would resume by itself once the database is back. Any other error is left to the
 * processor, which handles it as before.
 */
@Injectable()
export class DatabaseOutageRetry {
  private readonly logger = new Logger(DatabaseOutageRetry.name);

  constructor(@Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'jobs'>) {}

  /** Runs a job's work; an unreachable database puts the job back to wait (see waitIfUnreachable). */
  async run<T>(job: Job, token: string | undefined, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      await this.waitIfUnreachable(job, token, error);
      throw error;
    }
  }

  /**
   * When `error` says the database is unreachable, moves the job (active, locked with
   * `token`) to the delayed set and throws DelayedError, BullMQ's documented way to delay a
   * job from its processor without counting an attempt; the processor must let it through.
   * Otherwise returns, and the caller goes on with its own handling of `error`: call it
   * before bookkeeping that only a real failure should do.
   */
  async waitIfUnreachable(job: Job, token: string | undefined, error: unknown): Promise<void> {
    if (token === undefined || !isDatabaseUnreachable(error)) return;
    const waits = earlierWaits(job);
    const delayMs = databaseWaitMs(this.config.jobs.backoffMs, waits);
    if (waits === 0) {
      // Once per job: during an outage every later look would repeat the same line. The job's
      // log context (JobLogContext) adds its id and queue.
      this.logger.warn(
        { retryInMs: delayMs, reason: describe(error) },
        'PostgreSQL is unreachable; the job waits for it without spending an attempt',
      );
    }
    await job.moveToDelayed(Date.now() + delayMs, token);
    throw new DelayedError();
  }
}

/** The error's code and message, nothing else: no query text, parameters or connection URL. */
function describe(error: unknown): string {
  const { code, message } = error as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message.slice(0, 200) : 'unknown error';
  return typeof code === 'string' ? `${code}: ${text}` : text;
}

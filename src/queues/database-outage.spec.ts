import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import { QueryFailedError } from 'typeorm';
import { HttpRequestError } from '../connector-sdk/errors';
import {
  DatabaseOutageRetry,
  databaseWaitMs,
  isDatabaseUnreachable,
  MAX_DATABASE_WAIT_MS,
} from './database-outage';

/** An error as pg or Node report it: a message and, for most, a code. */
function pgError(message: string, code?: string): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

/** As TypeORM reports a query that failed: the driver's error wrapped. */
function queryFailed(driverError: Error): QueryFailedError {
  return new QueryFailedError('INSERT INTO source_record ...', ['secret'], driverError);
}

describe('isDatabaseUnreachable', () => {
  it.each([
    ['connection refused', pgError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['connection reset', pgError('read ECONNRESET', 'ECONNRESET')],
    ['connect timeout', pgError('connect ETIMEDOUT 10.0.0.5:5432', 'ETIMEDOUT')],
    ['host unreachable', pgError('connect EHOSTUNREACH 10.0.0.5:5432', 'EHOSTUNREACH')],
    ['name lookup', pgError('getaddrinfo EAI_AGAIN db.internal', 'EAI_AGAIN')],
    ['dropped mid-query', pgError('Connection terminated unexpectedly')],
    ['dropped while connecting', pgError('Connection terminated due to connection timeout')],
    ['pool connect timeout', pgError('timeout exceeded when trying to connect')],
    ['too many clients', pgError('sorry, too many clients already', '53300')],
    ['admin shutdown', pgError('terminating connection due to administrator command', '57P01')],
    ['crash shutdown', pgError('terminating connection because of crash of another', '57P02')],
    ['shutting down', pgError('the database system is shutting down', '57P03')],
    ['starting up', pgError('the database system is starting up', '57P03')],
    ['connection exception', pgError('connection failure', '08006')],
    ['cannot establish', pgError('could not connect', '08001')],
  ])('%s', (_what, error) => {
    expect(isDatabaseUnreachable(error)).toBe(true);
    // TypeORM wraps what fails inside a query.
    expect(isDatabaseUnreachable(queryFailed(error))).toBe(true);
  });

  it('a host name with several addresses: every address refused', () => {
    const refused = new AggregateError([
      pgError('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED'),
      pgError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
    ]);
    expect(isDatabaseUnreachable(refused)).toBe(true);
  });

  it.each([
    ['unique violation', pgError('duplicate key value violates unique constraint', '23505')],
    ['bad input', pgError('invalid input syntax for type uuid: "x"', '22P02')],
    ['NUL in text', pgError('unsupported Unicode escape sequence', '22P05')],
    ['raised by a trigger', pgError('record poison refused', 'P0001')],
    ['deadlock', pgError('deadlock detected', '40P01')],
    ['statement timeout', pgError('canceling statement due to statement timeout', '57014')],
    ['out of disk', pgError('could not extend file', '53100')],
    ['undefined column', pgError('column "x" does not exist', '42703')],
  ])('not a query error: %s', (_what, error) => {
    expect(isDatabaseUnreachable(error)).toBe(false);
    expect(isDatabaseUnreachable(queryFailed(error))).toBe(false);
  });

  it('not an error of the job itself, nor of a vendor', () => {
    expect(isDatabaseUnreachable(new UnrecoverableError('Cannot map the event'))).toBe(false);
    expect(isDatabaseUnreachable(new DelayedError())).toBe(false);
    expect(isDatabaseUnreachable(new Error('The batcher is shut down'))).toBe(false);
    // Redis going away is not PostgreSQL going away.
    expect(isDatabaseUnreachable(new Error('Connection is closed.'))).toBe(false);
    const vendorDown = new HttpRequestError({
      method: 'GET',
      path: '/admin/api/customers.json',
      networkCode: 'ECONNREFUSED',
      retryable: true,
      attempts: 3,
    });
    expect(isDatabaseUnreachable(vendorDown)).toBe(false);
    const axiosError = Object.assign(pgError('connect ECONNREFUSED 1.2.3.4:443', 'ECONNREFUSED'), {
      isAxiosError: true,
    });
    expect(isDatabaseUnreachable(axiosError)).toBe(false);
    // fetch keeps the socket error in `cause`: a vendor's, never the database's.
    const fetchFailed = new TypeError('fetch failed', {
      cause: pgError('connect ECONNREFUSED 1.2.3.4:443', 'ECONNREFUSED'),
    });
    expect(isDatabaseUnreachable(fetchFailed)).toBe(false);
    expect(isDatabaseUnreachable(undefined)).toBe(false);
    expect(isDatabaseUnreachable('ECONNREFUSED')).toBe(false);
  });
});

describe('databaseWaitMs', () => {
  it('doubles from the backoff, with jitter, up to about a minute', () => {
    for (let waits = 0; waits < 40; waits += 1) {
      const ceiling = Math.min(MAX_DATABASE_WAIT_MS, 2000 * 2 ** waits);
      const wait = databaseWaitMs(2000, waits);
      expect(wait).toBeGreaterThanOrEqual(ceiling / 2);
      expect(wait).toBeLessThanOrEqual(ceiling);
    }
  });

  it('never waits less than a backoff longer than the cap', () => {
    expect(databaseWaitMs(120_000, 5)).toBeGreaterThanOrEqual(60_000);
    expect(databaseWaitMs(120_000, 5)).toBeLessThanOrEqual(120_000);
  });
});

describe('DatabaseOutageRetry', () => {
  const outage = new DatabaseOutageRetry({ jobs: { attempts: 3, backoffMs: 100, lockMs: 30_000 } });
  const refused = pgError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED');

  function fakeJob(attemptsStarted: number, attemptsMade: number) {
    const moveToDelayed = jest.fn<Promise<void>, [number, string?]>(async () => undefined);
    const job = {
      id: 'job-1',
      queueName: 'ingest',
      attemptsStarted,
      attemptsMade,
      moveToDelayed,
    } as unknown as Job;
    return { job, moveToDelayed };
  }

  afterEach(() => jest.restoreAllMocks());

  it('puts a job the database failed back to wait, without spending an attempt, and logs it once', async () => {
    const warn = jest.spyOn(outage['logger'], 'warn').mockImplementation(() => undefined);
    const first = fakeJob(1, 0);
    const before = Date.now();
    await expect(outage.run(first.job, 'token', () => Promise.reject(refused))).rejects.toThrow(
      DelayedError,
    );
    const [until, token] = first.moveToDelayed.mock.calls[0];
    expect(token).toBe('token');
    expect(until - before).toBeGreaterThanOrEqual(50);
    expect(until - Date.now()).toBeLessThanOrEqual(100);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(warn.mock.calls[0])).toContain('ECONNREFUSED');

    // Its third look (two waits before): a longer wait, and no second warning.
    const third = fakeJob(3, 0);
    await expect(outage.run(third.job, 'token', () => Promise.reject(refused))).rejects.toThrow(
      DelayedError,
    );
    expect(third.moveToDelayed.mock.calls[0][0] - Date.now()).toBeGreaterThan(150);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('leaves every other error to the processor, and a job with no lock token alone', async () => {
    const { job, moveToDelayed } = fakeJob(1, 0);
    const badData = pgError('duplicate key value violates unique constraint', '23505');
    await expect(outage.run(job, 'token', () => Promise.reject(badData))).rejects.toBe(badData);
    await expect(outage.waitIfUnreachable(job, 'token', badData)).resolves.toBeUndefined();
    await expect(outage.run(job, undefined, () => Promise.reject(refused))).rejects.toBe(refused);
    expect(moveToDelayed).not.toHaveBeenCalled();
    await expect(outage.run(job, 'token', () => Promise.resolve('done'))).resolves.toBe('done');
  });
});

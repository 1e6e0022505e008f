import { defaultRepeatStrategy } from 'bullmq';

/**
 * A connection's sync schedule: a five-field cron expression (`*\/15 * * * *`, UTC) or an
 * interval (`30s`, `15m`, `2h`, `1d`). Both become a BullMQ job scheduler.
 */
export type ParsedSchedule =
  { kind: 'cron'; pattern: string } | { kind: 'interval'; everyMs: number };

const INTERVAL = /^(\d+)\s*(s|m|h|d)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** Shorter intervals would hammer vendors' APIs and queue syncs behind each other. */
export const MIN_INTERVAL_MS = 10_000;
/**
 * A year, as long as the coarsest cron expression waits. BullMQ keeps `every` in Redis as
 * text: from 1e21 ms on JavaScript writes it in exponent form (`8.64e+22`), which BullMQ read
 * back as an 8 ms scheduler (a sync queued again at once after every run), and `Infinity` (a
 * few hundred digits) as a scheduler that never ticks. Either way a 201 hid a broken schedule.
 */
export const MAX_INTERVAL_MS = 365 * 86_400_000;

export class ScheduleFormatError extends Error {}

export function parseSchedule(input: string): ParsedSchedule {
  const text = input.trim();
  const interval = INTERVAL.exec(text);
  if (interval) {
    const everyMs = Number(interval[1]) * UNIT_MS[interval[2] as keyof typeof UNIT_MS];
    if (everyMs < MIN_INTERVAL_MS) {
      throw new ScheduleFormatError(`interval must be at least ${MIN_INTERVAL_MS / 1000}s`);
    }
    if (!(everyMs <= MAX_INTERVAL_MS)) {
      throw new ScheduleFormatError(
        `interval must be at most ${MAX_INTERVAL_MS / 86_400_000}d (use a cron expression for rarer syncs)`,
      );
    }
    return { kind: 'interval', everyMs };
  }
  if (text.split(/\s+/).length !== 5) {
    throw new ScheduleFormatError(
      'expected a 5-field cron expression like "*/15 * * * *" or an interval like "15m"',
    );
  }
  assertBullmqRuns(text);
  return { kind: 'cron', pattern: text };
}

/**
 * Checks the expression with the very parser that will run it: BullMQ's job scheduler brings
 * its own cron-parser, older than the one a direct import would get, and refuses syntax the
 * newer one accepts (`H` for a hashed minute, say). An expression only the newer one read was
 * stored, then never scheduled.
 */
function assertBullmqRuns(pattern: string): void {
  let next: number | undefined;
  try {
    next = defaultRepeatStrategy(Date.now(), { pattern, tz: 'UTC' });
  } catch (error) {
    throw new ScheduleFormatError(`invalid cron expression: ${(error as Error).message}`);
  }
  if (next === undefined) {
    throw new ScheduleFormatError('invalid cron expression: it never fires');
  }
}

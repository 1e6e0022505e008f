import { parseSchedule, ScheduleFormatError } from './connection-schedule';

describe('parseSchedule', () => {
  it.each([
    ['30s', 30_000],
    ['15m', 900_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['365d', 31_536_000_000],
  ])('reads the interval %s', (input, everyMs) => {
    expect(parseSchedule(input)).toEqual({ kind: 'interval', everyMs });
  });

  it('reads a five-field cron expression', () => {
    expect(parseSchedule(' */15 * * * * ')).toEqual({ kind: 'cron', pattern: '*/15 * * * *' });
  });

  it.each(['0 0 L * *', '0 9 * * 1-5', '0 0 * * 5#2', '30 2 1,15 * *'])(
    'accepts %s, which the scheduler runs',
    (pattern) => {
      expect(parseSchedule(pattern)).toEqual({ kind: 'cron', pattern });
    },
  );

  it.each([
    ['5s', /at least 10s/],
    ['366d', /at most 365d/],
    // 8.64e22 ms: BullMQ read it back as 8 ms and ticked without pause.
    ['999999999999d', /at most 365d/],
    ['9'.repeat(400) + 's', /at most 365d/],
    ['every day', /5-field cron/],
    ['61 * * * *', /invalid cron/],
    ['* * * * * *', /5-field cron/],
    // Read by cron-parser 5 (a hashed minute), refused by the parser BullMQ runs schedules with.
    ['H * * * *', /invalid cron/],
    ['0 0 31 2 *', /invalid cron/],
  ])('rejects %s', (input, message) => {
    expect(() => parseSchedule(input)).toThrow(ScheduleFormatError);
    expect(() => parseSchedule(input)).toThrow(message);
  });
});

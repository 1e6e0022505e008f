import { FailureStreak } from './failure-streak';

describe('FailureStreak', () => {
  const logger = () => ({ error: jest.fn(), debug: jest.fn(), log: jest.fn() });

  it('logs the first failure of a streak as an error, the rest at debug, and the recovery once', () => {
    const log = logger();
    const streak = new FailureStreak(log, 'outbox relay step');
    const outage = new Error('connect ECONNREFUSED');
    for (let i = 0; i < 5; i += 1) streak.failed(outage);
    streak.succeeded();
    streak.succeeded();
    expect(log.error).toHaveBeenCalledTimes(1);
    expect(log.error).toHaveBeenCalledWith({ err: outage }, 'outbox relay step failed; retrying');
    expect(log.debug).toHaveBeenCalledTimes(4);
    expect(log.log).toHaveBeenCalledTimes(1);
    expect(log.log).toHaveBeenCalledWith(
      { failures: 5 },
      'outbox relay step works again after 5 failed attempt(s)',
    );
  });

  it('starts a new streak after a recovery', () => {
    const log = logger();
    const streak = new FailureStreak(log, 'step');
    streak.failed(new Error('a'));
    streak.succeeded();
    streak.failed(new Error('b'));
    expect(log.error).toHaveBeenCalledTimes(2);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig, loadDatabaseUrl } from './load-config';

const valid = {
  SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
  ADMIN_TOKEN: 'admin-token-0123456789abcdef',
};

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig({ ...valid, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('loadConfig: PUBLIC_URL', () => {
  it('takes an http(s) base URL, without its trailing slash', () => {
    expect(
      loadConfig({ ...valid, PUBLIC_URL: 'https://hooks.example.com/syncline/' }).publicUrl,
    ).toBe('https://hooks.example.com/syncline');
  });

  it.each([
    ['ftp://hooks.example.com', 'another scheme'],
    ['https://hooks.example.com/?tenant=1', 'a query string'],
    ['https://hooks.example.com/#top', 'a fragment'],
  ])('refuses %s (%s): webhook URLs are PUBLIC_URL + /webhooks/<id>', (value) => {
    expect(problemsOf({ PUBLIC_URL: value })).toEqual([
      expect.stringMatching(
        /^PUBLIC_URL is invalid: expected an http\(s\) base URL like https:\/\//,
      ),
    ]);
  });
});

describe('loadConfig: config/.env.example', () => {
  /** The file as an operator copies it: `NAME=value` lines, blanks meaning "not set". */
  const example = Object.fromEntries(
    readFileSync(join(__dirname, '../../config/.env.example'), 'utf8')
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );

  it('starts once the two required values are filled in, reading blank ones as unset', () => {
    const config = loadConfig({ ...example, ...valid });
    expect(config.publicUrl).toBeUndefined();
    expect(config.connectorsDir).toBeUndefined();
    expect(config.previousSecretsKeys).toEqual([]);
  });

  it('says a blank required value is required, not malformed', () => {
    expect(problemsOf({ ...example })).toEqual([
      expect.stringMatching(/^SECRETS_KEY is required: /),
      expect.stringMatching(/^ADMIN_TOKEN is required: /),
    ]);
  });
});

describe('loadConfig: the mass-deletion guard of full syncs', () => {
  it('defaults to refusing to delete more than half of over 10 records', () => {
    expect(loadConfig(valid).sync).toMatchObject({
      maxDeleteFraction: 0.5,
      deleteGuardMinRecords: 10,
    });
  });

  it.each([
    ['0', 0],
    ['0.2', 0.2],
    ['.75', 0.75],
    ['1', 1],
  ])('takes SYNC_MAX_DELETE_FRACTION=%s', (value, expected) => {
    expect(loadConfig({ ...valid, SYNC_MAX_DELETE_FRACTION: value }).sync.maxDeleteFraction).toBe(
      expected,
    );
  });

  it.each(['1.5', '-0.1', '50%', 'half', '1e-1'])(
    'refuses SYNC_MAX_DELETE_FRACTION=%s',
    (value) => {
      expect(problemsOf({ SYNC_MAX_DELETE_FRACTION: value })).toEqual([
        'SYNC_MAX_DELETE_FRACTION is invalid: expected a decimal from 0 to 1, like 0.5',
      ]);
    },
  );

  it('takes a whole SYNC_DELETE_GUARD_MIN_RECORDS and refuses anything else', () => {
    expect(
      loadConfig({ ...valid, SYNC_DELETE_GUARD_MIN_RECORDS: '0' }).sync.deleteGuardMinRecords,
    ).toBe(0);
    expect(problemsOf({ SYNC_DELETE_GUARD_MIN_RECORDS: '2.5' })).toEqual([
      expect.stringMatching(/^SYNC_DELETE_GUARD_MIN_RECORDS is invalid: expected a whole number/),
    ]);
  });
});

describe('loadDatabaseUrl (npm run migrate)', () => {
  it('reads DATABASE_URL as loadConfig does: blank is unset, a bad one is named', () => {
    expect(loadDatabaseUrl({ DATABASE_URL: '' })).toBe(loadConfig(valid).databaseUrl);
    expect(loadDatabaseUrl({ DATABASE_URL: 'postgres://db.internal:6432/crm' })).toBe(
      'postgres://db.internal:6432/crm',
    );
    expect(() => loadDatabaseUrl({ DATABASE_URL: 'mysql://db/crm' })).toThrow(ConfigError);
    try {
      loadDatabaseUrl({ DATABASE_URL: 'mysql://db/crm' });
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        expect.stringMatching(/^DATABASE_URL is invalid: /),
      ]);
    }
  });
});

describe('loadConfig: SHUTDOWN_GRACE_MS', () => {
  it('defaults to 25 s, under Kubernetes’ 30 s grace period', () => {
    expect(loadConfig(valid).shutdownGraceMs).toBe(25_000);
  });

  it.each(['999', '3600001', '2.5s'])('refuses %s, naming the variable', (value) => {
    expect(problemsOf({ SHUTDOWN_GRACE_MS: value })).toEqual([
      expect.stringMatching(/^SHUTDOWN_GRACE_MS is invalid: /),
    ]);
  });
});

describe('loadConfig: WORKER_METRICS_PORT', () => {
  it('is unset by default: a worker opens no port', () => {
    expect(loadConfig(valid).workerMetricsPort).toBeUndefined();
    expect(loadConfig({ ...valid, WORKER_METRICS_PORT: '' }).workerMetricsPort).toBeUndefined();
  });

  it('takes a port number', () => {
    expect(loadConfig({ ...valid, WORKER_METRICS_PORT: '9464' }).workerMetricsPort).toBe(9464);
  });

  it.each(['metrics', '65536', '-1', '9464.5', ':9464'])(
    'refuses %s, naming the variable',
    (value) => {
      expect(problemsOf({ WORKER_METRICS_PORT: value })).toEqual([
        'WORKER_METRICS_PORT is invalid: expected a port number 0-65535',
      ]);
    },
  );
});

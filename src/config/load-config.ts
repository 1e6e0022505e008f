import { bool, cleanEnv, makeValidator, str, EnvError, EnvMissingError } from 'envalid';
import { AppConfig, LOG_LEVELS, SYNCLINE_ROLES } from './app-config';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

const KEY_HINT = 'a base64-encoded 32-byte key (generate one with `openssl rand -base64 32`)';

function decodeKey(input: string): Buffer {
  const trimmed = input.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) throw new EnvError(`expected ${KEY_HINT}`);
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new EnvError(`expected ${KEY_HINT}, got ${key.length} bytes`);
  }
  return key;
}

const secretsKey = makeValidator<Buffer>(decodeKey);

const previousKeys = makeValidator<Buffer[]>((input) =>
  input
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map(decodeKey),
);

const adminToken = makeValidator<string>((input) => {
  if (input.length < 24) throw new EnvError('expected at least 24 characters');
  if (/\s/.test(input)) throw new EnvError('expected no whitespace');
  return input;
});

const postgresUrl = makeValidator<string>((input) => {
  let parsed: URL;
  try {
    parsed = new URL(input);
  } catch {
    throw new EnvError('expected a URL like postgres://user@host:5432/database');
  }
  if (!['postgres:', 'postgresql:'].includes(parsed.protocol) || parsed.pathname.length < 2) {
    throw new EnvError('expected a URL like postgres://user@host:5432/database');
  }
  return input;
});

const redisUrl = makeValidator<string>((input) => {
  let parsed: URL;
  try {
    parsed = new URL(input);
  } catch {
    throw new EnvError('expected a URL like redis://host:6379');
  }
  if (!['redis:', 'rediss:'].includes(parsed.protocol)) {
    throw new EnvError('expected a URL like redis://host:6379');
  }
  return input;
});

/** Webhook URLs are this + `/webhooks/<id>`, and vendors sign them: nothing may follow the path. */
const publicUrl = makeValidator<string>((input) => {
  const expected =
    'expected an http(s) base URL like https://syncline.example.com, without ?query or #fragment';
  let parsed: URL;
  try {
    parsed = new URL(input);
  } catch {
    throw new EnvError(expected);
  }
  if (
    !['http:', 'https:'].includes(parsed.protocol) ||
    input.includes('?') ||
    input.includes('#')
  ) {
    throw new EnvError(expected);
  }
  return input;
});

const queuePrefix = makeValidator<string>((input) => {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(input)) {
    throw new EnvError('expected 1-40 letters, digits, "_" or "-"');
  }
  return input;
});

/** 0 asks the OS for a free port (tests, demo). */
const port = makeValidator<number>((input) => {
  const value = Number(input);
  if (!/^\d+$/.test(input) || value > 65535) throw new EnvError('expected a port number 0-65535');
  return value;
});

function boundedInteger(min: number, max: number) {
  return makeValidator<number>((input) => {
    const value = Number(input);
    if (!/^\d+$/.test(input) || value < min || value > max) {
      throw new EnvError(`expected a whole number from ${min} to ${max}`);
    }
    return value;
  });
}

/** A share from 0 to 1, written as a decimal (0.5, .25, 1). */
const fraction = makeValidator<number>((input) => {
  const value = Number(input);
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(input.trim()) || value < 0 || value > 1) {
    throw new EnvError('expected a decimal from 0 to 1, like 0.5');
  }
  return value;
});

const region = makeValidator<string>((input) => {
  if (!/^[A-Z]{2}$/.test(input)) throw new EnvError('expected an ISO-3166 alpha-2 code like US');
  return input;
});

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/syncline';

/** Throws every problem at once, one line per variable. */
function reportProblems({ errors }: { errors: Partial<Record<string, Error>> }): void {
  const problems = Object.entries(errors).map(([name, error]) =>
    error instanceof EnvMissingError
      ? `${name} is required: ${describeMissing(name)}`
      : `${name} is invalid: ${error?.message ?? 'bad value'}`,
  );
  if (problems.length > 0) throw new ConfigError(problems);
}

/**
 * DATABASE_URL alone, read as `loadConfig` reads it: for `npm run migrate`, which must run
 * before the rest of the configuration exists.
 */
export function loadDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return cleanEnv(
    withoutBlanks(env),
    { DATABASE_URL: postgresUrl({ default: DEFAULT_DATABASE_URL }) },
    { reporter: reportProblems },
  ).DATABASE_URL;
}

/**
 * Reads and validates the environment. Every problem is collected and reported at once,
 * one line per variable, so an operator fixes them in one go.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const clean = cleanEnv(
    withoutBlanks(env),
    {
      SYNCLINE_ROLE: str({ choices: SYNCLINE_ROLES, default: 'all' }),
      DATABASE_URL: postgresUrl({ default: DEFAULT_DATABASE_URL }),
      REDIS_URL: redisUrl({ default: 'redis://127.0.0.1:6379' }),
      HOST: str({ default: '0.0.0.0' }),
      PORT: port({ default: 3000 }),
      SECRETS_KEY: secretsKey(),
      SECRETS_KEYS_PREVIOUS: previousKeys({ default: [] }),
      ADMIN_TOKEN: adminToken(),
      PUBLIC_URL: publicUrl({ default: undefined }),
      LOG_LEVEL: str({ choices: LOG_LEVELS, default: 'info' }),
      QUEUE_PREFIX: queuePrefix({ default: 'syncline' }),
      RUN_MIGRATIONS: bool({ default: true }),
      CONNECTORS_DIR: str({ default: undefined }),
      DEFAULT_PHONE_REGION: region({ default: 'US' }),
      JOB_ATTEMPTS: boundedInteger(1, 100)({ default: 8 }),
      JOB_BACKOFF_MS: boundedInteger(10, 3_600_000)({ default: 2000 }),
      JOB_LOCK_MS: boundedInteger(1000, 600_000)({ default: 30_000 }),
      SHUTDOWN_GRACE_MS: boundedInteger(1000, 3_600_000)({ default: 25_000 }),
      WORKER_METRICS_PORT: port({ default: undefined }),
      SYNC_LOOKBACK_SECONDS: boundedInteger(0, 7 * 24 * 3600)({ default: 300 }),
      SYNC_MAX_DELETE_FRACTION: fraction({ default: 0.5 }),
      SYNC_DELETE_GUARD_MIN_RECORDS: boundedInteger(0, 1_000_000_000)({ default: 10 }),
    },
    { reporter: reportProblems },
  );

  return {
    role: clean.SYNCLINE_ROLE,
    databaseUrl: clean.DATABASE_URL,
    redisUrl: clean.REDIS_URL,
    host: clean.HOST,
    port: clean.PORT,
    secretsKey: clean.SECRETS_KEY,
    previousSecretsKeys: clean.SECRETS_KEYS_PREVIOUS,
    adminToken: clean.ADMIN_TOKEN,
    publicUrl: clean.PUBLIC_URL?.replace(/\/+$/, ''),
    logLevel: clean.LOG_LEVEL,
    queuePrefix: clean.QUEUE_PREFIX,
    runMigrations: clean.RUN_MIGRATIONS,
    connectorsDir: clean.CONNECTORS_DIR,
    defaultPhoneRegion: clean.DEFAULT_PHONE_REGION,
    shutdownGraceMs: clean.SHUTDOWN_GRACE_MS,
    workerMetricsPort: clean.WORKER_METRICS_PORT,
    jobs: {
      attempts: clean.JOB_ATTEMPTS,
      backoffMs: clean.JOB_BACKOFF_MS,
      lockMs: clean.JOB_LOCK_MS,
    },
    sync: {
      lookBackMs: clean.SYNC_LOOKBACK_SECONDS * 1000,
      maxDeleteFraction: clean.SYNC_MAX_DELETE_FRACTION,
      deleteGuardMinRecords: clean.SYNC_DELETE_GUARD_MIN_RECORDS,
    },
  };
}

/**
 * A blank variable is an unset one (`PUBLIC_URL=` as config/.env.example lists it): it takes its
 * default, or is reported as required, rather than as malformed.
 */
function withoutBlanks(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
}

function describeMissing(name: string): string {
  switch (name) {
    case 'SECRETS_KEY':
      return `expected ${KEY_HINT}`;
    case 'ADMIN_TOKEN':
      return 'expected the bootstrap admin token, at least 24 characters';
    default:
      return 'no value set';
  }
}

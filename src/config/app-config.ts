/** The validated, typed settings the whole service reads. Built once by `loadConfig`. */
export const SYNCLINE_ROLES = ['all', 'api', 'worker'] as const;
export type SynclineRole = (typeof SYNCLINE_ROLES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface AppConfig {
  role: SynclineRole;
  databaseUrl: string;
  redisUrl: string;
  host: string;
  port: number;
  /** Current AES-256-GCM key for credentials. */
  secretsKey: Buffer;
  /** Older keys still accepted for decryption while values are rotated to the current one. */
  previousSecretsKeys: Buffer[];
  adminToken: string;
  publicUrl: string | undefined;
  logLevel: LogLevel;
  queuePrefix: string;
  runMigrations: boolean;
  connectorsDir: string | undefined;
  defaultPhoneRegion: string;
  /**
   * How long a stop (SIGTERM, SIGINT) may take before the process exits anyway: in-flight jobs
   * finish within it, or BullMQ's stalled-job check hands them to another worker. Keep it
   * below the orchestrator's own grace period (Kubernetes: 30 s by default).
   */
  shutdownGraceMs: number;
  /**
   * Where a process that runs the workers serves its own Prometheus metrics (on `host`);
   * undefined: it serves none. The API serves its metrics on `port`.
   */
  workerMetricsPort: number | undefined;
  jobs: {
    /** Tries per job before it is dead-lettered. */
    attempts: number;
    /** First retry delay; doubles per attempt, with jitter. */
    backoffMs: number;
    /** How long a worker holds a job lock; a killed worker's job is picked up after this. */
    lockMs: number;
  };
  sync: {
    /** Incremental syncs re-read records changed this long before the saved cursor. */
    lookBackMs: number;
    /**
     * Mass-deletion guard: a full sync that would delete more than this share (0-1) of the
     * connection's held records deletes nothing and fails, unless the admin allowed it.
     */
    maxDeleteFraction: number;
    /** The guard leaves alone full syncs that would delete this many records or fewer. */
    deleteGuardMinRecords: number;
  };
}

/** Injection token for `AppConfig`. */
export const APP_CONFIG = Symbol('APP_CONFIG');

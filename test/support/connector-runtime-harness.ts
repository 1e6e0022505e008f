import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { ConnectorRegistry } from '../../src/connector-registry/connector-registry';
import { ConnectorRuntime } from '../../src/connector-registry/connector-runtime';
import type {
  Connector,
  ConnectorContext,
  ConnectorLogger,
  ReadRequest,
  SyncCursor,
} from '../../src/connector-sdk';
import { TEST_REDIS_URL } from './test-environment';

export const silentLogger: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Runs one connector through the real runtime (HTTP client, retries, Redis rate budget) for
 * a test file: registers the jest hooks that open and clean up its Redis keys, and builds
 * contexts for fresh connections (each its own rate budget). `maxRetries` overrides the HTTP
 * client's default (5) for tests where contention, not failure, is the point.
 */
export function useConnectorRuntime<Config, Credentials, Raw>(
  connector: Connector<Config, Credentials, Raw>,
  options: { maxRetries?: number } = {},
) {
  const prefix = `test-${connector.manifest.name}-${randomUUID()}`;
  let redis: Redis;
  let runtime: ConnectorRuntime;

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
    runtime = new ConnectorRuntime({
      registry: new ConnectorRegistry([connector as unknown as Connector]),
      redis,
      keyPrefix: prefix,
      loggerFactory: () => silentLogger,
      // Short backoff keeps retry tests fast; the retry logic itself is unchanged.
      http: {
        backoff: { baseMs: 20, capMs: 200 },
        ...(options.maxRetries ? { maxRetries: options.maxRetries } : {}),
      },
    });
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  return {
    context(config: Record<string, unknown>, credentials: Record<string, unknown>) {
      return runtime.context({
        id: `conn-${randomUUID()}`,
        connector: connector.manifest.name,
        config,
        credentials,
      }) as ConnectorContext<Config, Credentials>;
    },
  };
}

/** Reads every page of `request`, returning the records and the last checkpoint. */
export async function readAllPages<Config, Credentials, Raw>(
  connector: Connector<Config, Credentials, Raw>,
  ctx: ConnectorContext<Config, Credentials>,
  request: ReadRequest,
): Promise<{ records: Raw[]; cursor: SyncCursor | null }> {
  const records: Raw[] = [];
  let cursor: SyncCursor | null = request.cursor;
  for await (const page of connector.read!(ctx, request)) {
    records.push(...page.records);
    cursor = page.cursor;
  }
  return { records, cursor };
}

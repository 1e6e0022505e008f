/**
 * Builds the `ConnectorContext` a connector runs with for one connection: its HTTP client
 * (auth, retries, and a rate budget shared through Redis by every worker of that connection)
 * and a logger bound to the connection.
 */
import type Redis from 'ioredis';
import type {
  Connector,
  ConnectorContext,
  ConnectorLogger,
} from '../connector-sdk/connector.types';
import { AxiosHttpClient } from '../connector-sdk/http-client';
import { RedisRateLimiter } from '../connector-sdk/rate-limiter';
import type { BackoffOptions } from '../connector-sdk/retry-policy';
import type { ConnectorRegistry } from './connector-registry';

export interface RuntimeConnection {
  id: string;
  /** Connector name (`manifest.name`). */
  connector: string;
  config: Record<string, unknown>;
  /** Decrypted credentials; they reach the connector and never leave the process. */
  credentials: Record<string, unknown>;
}

export type ConnectorLoggerFactory = (bindings: {
  connectionId: string;
  connector: string;
}) => ConnectorLogger;

export interface ConnectorRuntimeOptions {
  registry: ConnectorRegistry;
  /** Owned by the caller; shared by all rate limiters of this process. */
  redis: Redis;
  /** Deployment namespace for Redis keys (the queue prefix). */
  keyPrefix: string;
  loggerFactory: ConnectorLoggerFactory;
  http?: {
    timeoutMs?: number;
    maxRetries?: number;
    backoff?: BackoffOptions;
    maxRetryDelayMs?: number;
  };
}

export class ConnectorRuntime {
  private readonly rateLimiter: RedisRateLimiter;

  constructor(private readonly options: ConnectorRuntimeOptions) {
    this.rateLimiter = new RedisRateLimiter(options.redis, { prefix: options.keyPrefix });
  }

  /** @throws UnknownConnectorError when the connection names a connector that is not installed. */
  connector(name: string): Connector {
    return this.options.registry.get(name);
  }

  context(connection: RuntimeConnection, options: { signal?: AbortSignal } = {}): ConnectorContext {
    const connector = this.options.registry.get(connection.connector);
    const setup = connector.http(connection.config, connection.credentials);
    const logger = this.options.loggerFactory({
      connectionId: connection.id,
      connector: connection.connector,
    });
    const http = new AxiosHttpClient(setup, {
      ...this.options.http,
      rateLimiter: this.rateLimiter,
      // One budget per connection: the vendor counts requests per account/token, not per worker.
      rateLimitKey: connection.id,
      rateLimit: setup.rateLimit ?? connector.manifest.rateLimit,
      logger,
      signal: options.signal,
    });
    return {
      connectionId: connection.id,
      config: connection.config,
      credentials: connection.credentials,
      http,
      logger,
      signal: options.signal,
    };
  }
}

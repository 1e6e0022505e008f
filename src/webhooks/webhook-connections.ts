import { Injectable, Logger } from '@nestjs/common';
import { NotFoundError, ServiceUnavailableError } from '../common/errors/domain-error';
import { isUuid } from '../common/ids/is-uuid';
import { ConnectorRegistry } from '../connector-registry/connector-registry';
import type { Connector, ConnectorContext } from '../connector-sdk/connector.types';
import { ConnectionEvents } from '../connections/connection-events';
import { UnreadableCredentialsError } from '../connections/connection-secrets';
import { ConnectionsService, OpenedConnection } from '../connections/connections.service';
import { isDatabaseUnreachable } from '../queues/database-outage';

/** How long a looked-up connection is reused; a disable or secret change applies after this. */
export const CONNECTION_CACHE_TTL_MS = 5000;
/** Bounds memory when someone posts to many random ids (misses are cached too). */
const MAX_ENTRIES = 10_000;

/** A connection ready to verify, parse or fetch: its credentials opened, its connector found. */
export interface WebhookConnection {
  opened: OpenedConnection;
  connector: Connector;
  /** Built on first use (worker side, for `fetch`): an HTTP client with the shared rate limit. */
  context(): ConnectorContext;
}

interface Entry {
  expiresAt: number;
  value: Promise<WebhookConnection | undefined>;
}

/**
 * Connection lookups for the webhook path, cached for a few seconds: at thousands of
 * deliveries per second a PostgreSQL round trip and a credential decryption per request would
 * dominate. Concurrent lookups of one id share one query; failed lookups are not cached. A
 * change made through this process drops the entry at once; other processes see it within
 * the TTL.
 */
@Injectable()
export class WebhookConnections {
  private readonly logger = new Logger(WebhookConnections.name);
  private readonly entries = new Map<string, Entry>();
  private readonly bound = new Map<string, { expiresAt: number; value: Promise<string[]> }>();

  constructor(
    private readonly connections: ConnectionsService,
    private readonly registry: ConnectorRegistry,
    events: ConnectionEvents,
  ) {
    events.subscribe(async (change) => {
      const id = change.kind === 'saved' ? change.connection.id : change.connectionId;
      this.entries.delete(id.toLowerCase());
      // A saved connection may have been bound to another account.
      this.bound.clear();
    });
  }

  /** The connection, or undefined when there is none with this id. */
  get(id: string, now = Date.now()): Promise<WebhookConnection | undefined> {
    if (!isUuid(id)) return Promise.resolve(undefined);
    const key = id.toLowerCase();
    const cached = this.entries.get(key);
    if (cached && cached.expiresAt > now) return cached.value;
    if (cached) this.entries.delete(key);
    const value = this.load(key);
    this.entries.set(key, { expiresAt: now + CONNECTION_CACHE_TTL_MS, value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    if (this.entries.size > MAX_ENTRIES) {
      // Maps iterate in insertion order: the first key is the oldest entry.
      this.entries.delete(this.entries.keys().next().value as string);
    }
    return value;
  }

  /**
   * Ids of the connections of `connector` bound to a vendor account, cached like `get` (a
   * public app's deliveries for other accounts would otherwise cost a query each).
   */
  boundTo(connector: string, key: string, account: string, now = Date.now()): Promise<string[]> {
    const cacheKey = JSON.stringify([connector, key, account]);
    const cached = this.bound.get(cacheKey);
    if (cached && cached.expiresAt > now) return cached.value;
    const value = this.connections.idsBoundTo(connector, key, account);
    this.bound.set(cacheKey, { expiresAt: now + CONNECTION_CACHE_TTL_MS, value });
    value.catch(() => {
      if (this.bound.get(cacheKey)?.value === value) this.bound.delete(cacheKey);
    });
    if (this.bound.size > MAX_ENTRIES) this.bound.delete(this.bound.keys().next().value as string);
    return value;
  }

  private async load(id: string): Promise<WebhookConnection | undefined> {
    let opened: OpenedConnection;
    try {
      opened = await this.connections.open(id);
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      if (error instanceof UnreadableCredentialsError) {
        // The detail (field, key id, the repair) is for the admin's log, not for whoever posts
        // here unauthenticated. 503, so the vendor retries once the credentials are repaired.
        this.logger.error(
          { err: error, connectionId: id },
          'webhook delivery refused: the connection credentials cannot be opened',
        );
        throw new ServiceUnavailableError(
          'This connection cannot take webhook deliveries right now; retry later',
        );
      }
      if (isDatabaseUnreachable(error)) {
        // Nothing is known about this connection until the database is back: 503, so the
        // vendor retries the delivery, rather than a 500.
        throw new ServiceUnavailableError(
          'Syncline cannot look this connection up right now; retry later',
        );
      }
      throw error;
    }
    // A connection whose connector is no longer installed cannot take deliveries either.
    if (!this.registry.has(opened.connection.connector)) return undefined;
    const connector = this.registry.get(opened.connection.connector);
    let context: ConnectorContext | undefined;
    return {
      opened,
      connector,
      context: () => (context ??= this.connections.context(opened)),
    };
  }
}

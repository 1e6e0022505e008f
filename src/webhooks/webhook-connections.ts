import { Injectable, Logger } from '@nestjs/common';
import { NotFoundError, ServiceUnavailableError } from '../common/errors/domain-error';
import { PromiseCache } from '../common/collections/promise-cache';
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
  private readonly entries = new PromiseCache<WebhookConnection | undefined>(
    CONNECTION_CACHE_TTL_MS,
    MAX_ENTRIES,
  );
  private readonly bound = new PromiseCache<string[]>(CONNECTION_CACHE_TTL_MS, MAX_ENTRIES);

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
    return this.entries.get(key, () => this.load(key), now);
  }

  /**
   * Ids of the connections of `connector` bound to a vendor account, cached like `get` (a
   * public app's deliveries for other accounts would otherwise cost a query each).
   */
  boundTo(connector: string, key: string, account: string, now = Date.now()): Promise<string[]> {
    return this.bound.get(
      JSON.stringify([connector, key, account]),
      () => this.connections.idsBoundTo(connector, key, account),
      now,
    );
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

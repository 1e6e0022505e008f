import { Injectable, Logger } from '@nestjs/common';
import { withTimeout } from '../common/time/with-timeout';
import type { ConnectionEntity } from './connection.entity';

export type ConnectionChange =
  { kind: 'saved'; connection: ConnectionEntity } | { kind: 'removed'; connectionId: string };

export type ConnectionListener = (change: ConnectionChange) => Promise<void>;

/** How long a change waits for each listener before the request answers without it. */
export const LISTENER_TIMEOUT_MS = 2_000;

/**
 * Lets features that follow connections (schedules) react to a create, update or delete
 * without the connections module depending on them. A listener that fails, or takes longer
 * than `LISTENER_TIMEOUT_MS`, is logged, not thrown: the change is already stored, and
 * followers reconcile periodically anyway.
 */
@Injectable()
export class ConnectionEvents {
  private readonly logger = new Logger(ConnectionEvents.name);
  private readonly listeners: ConnectionListener[] = [];

  subscribe(listener: ConnectionListener): void {
    this.listeners.push(listener);
  }

  async publish(change: ConnectionChange): Promise<void> {
    for (const listener of this.listeners) {
      try {
        // Bounded: a listener waiting on Redis during an outage would otherwise hold the
        // admin's request open for as long as the outage lasts.
        await withTimeout(listener(change), LISTENER_TIMEOUT_MS, 'A connection listener');
      } catch (error) {
        this.logger.error(
          { err: error, change: change.kind },
          'a connection listener failed; periodic reconciliation will catch up',
        );
      }
    }
  }
}

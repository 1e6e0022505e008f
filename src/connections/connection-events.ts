import { Injectable, Logger } from '@nestjs/common';
import type { ConnectionEntity } from './connection.entity';

export type ConnectionChange =
  { kind: 'saved'; connection: ConnectionEntity } | { kind: 'removed'; connectionId: string };

export type ConnectionListener = (change: ConnectionChange) => Promise<void>;

/**
 * Lets features that follow connections (schedules) react to a create, update or delete
 * without the connections module depending on them. A listener that fails is logged, not
 * thrown: the change is already stored, and followers reconcile periodically anyway.
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
        await listener(change);
      } catch (error) {
        this.logger.error(
          { err: error, change: change.kind },
          'a connection listener failed; periodic reconciliation will catch up',
        );
      }
    }
  }
}

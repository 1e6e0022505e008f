import { Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { ConnectorRegistry } from '../connector-registry/connector-registry';
import { ConnectionsService, OpenedConnection } from '../connections/connections.service';
import type { Connector } from '../connector-sdk/connector.types';
import { PushStateRepository } from './push-state.repository';

export type EraseOutcome = 'erased' | 'nothing-held' | 'not-supported';

/**
 * Asks a destination to delete (or archive, per connector) a person Syncline erased, using
 * what it knows the destination holds. The push state, the last trace of the person, is
 * dropped once the destination confirmed, or at once where no delete is to be sent.
 */
@Injectable()
export class ErasePropagator {
  private readonly logger = new Logger(ErasePropagator.name);

  constructor(
    private readonly connections: ConnectionsService,
    private readonly registry: ConnectorRegistry,
    private readonly states: PushStateRepository,
  ) {}

  /** @throws UnrecoverableError when the destination refused; any other error is retried. */
  async erase(connectionId: string, profileId: string): Promise<EraseOutcome> {
    const state = await this.states.state(connectionId, profileId);
    if (!state) return 'nothing-held';
    const opened = await this.connections.openIfExists(connectionId);
    const connector =
      opened && this.propagatesTo(opened.connection) ? this.connectorOf(opened) : null;
    if (!opened || !connector?.erase) {
      // Nothing will be sent there, so nothing about the person is kept for it either.
      await this.states.forget(connectionId, profileId);
      return 'not-supported';
    }
    const [result] = await connector.erase(this.connections.context(opened), [
      { profileId, externalId: state.externalId ?? undefined, fields: state.fields },
    ]);
    if (result?.ok) {
      await this.states.forget(connectionId, profileId);
      this.logger.log({ connectionId, profileId }, 'erase propagated');
      return 'erased';
    }
    const error = result?.error ?? 'the connector returned no result';
    if (result?.retryable === false) throw new UnrecoverableError(`Erase refused: ${error}`);
    throw new Error(`Erase failed: ${error}`);
  }

  /** Only a connection Syncline still writes to, with propagation on, is asked to delete. */
  private propagatesTo(connection: OpenedConnection['connection']): boolean {
    return connection.enabled && connection.direction !== 'pull' && connection.propagateErase;
  }

  private connectorOf(opened: OpenedConnection): Connector | null {
    const name = opened.connection.connector;
    return this.registry.has(name) ? this.registry.get(name) : null;
  }
}

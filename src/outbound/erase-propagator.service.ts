import { Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { ConnectorRegistry } from '../connector-registry/connector-registry';
import { ConnectionsService } from '../connections/connections.service';
import { PushStateRepository } from './push-state.repository';

export type EraseOutcome = 'erased' | 'nothing-held' | 'not-supported';

/**
 * Asks a destination to delete (or archive, per connector) a person Syncline erased, using
 * what it knows the destination holds. The push state, the last trace of the person, is
 * dropped once the destination confirmed.
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
    const connector = opened ? this.registry.get(opened.connection.connector) : null;
    if (!opened || !connector?.erase || !opened.connection.propagateErase) {
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
}

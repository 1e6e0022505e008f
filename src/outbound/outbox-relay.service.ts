import { InjectQueue } from '@nestjs/bullmq';
import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectorRegistry } from '../connector-registry/connector-registry';
import { FailureStreak } from '../logging/failure-streak';
import { QueueName } from '../queues/queue-names';
import {
  COALESCE_WINDOW_MS,
  OutboundJobData,
  OutboundJobName,
  pushDedupeId,
} from './outbound-jobs';
import { Destination, OutboxChange, OutboxRepository } from './outbox.repository';

/** Changes read per step. */
const RELAY_BATCH = 1000;
/** Idle wait between polls; bounds how late a change starts its way out. */
const POLL_MS = 50;
const ERROR_BACKOFF_MS = 1000;

/** Change kinds after which a profile's current state must reach every destination. */
const PUSHED_KINDS = new Set(['created', 'updated', 'merged', 'split', 'reopened']);

/**
 * Reads the profile change log in order and turns it into outbound jobs, one per destination
 * and profile. Every worker runs the loop; the position row is locked with SKIP LOCKED, so
 * one relay moves at a time and another takes over the moment it dies. The position is saved
 * in the same transaction, after the jobs are in Redis: a crash in between enqueues them
 * again, which coalescing and the per-destination diff make harmless.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly failures = new FailureStreak(this.logger, 'outbox relay step');
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly registry: ConnectorRegistry,
    @InjectQueue(QueueName.Outbound) private readonly queue: Queue<OutboundJobData>,
  ) {}

  onApplicationBootstrap(): void {
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const relayed = await this.relayOnce();
        this.failures.succeeded();
        if (relayed < RELAY_BATCH) await sleep(POLL_MS);
      } catch (error) {
        this.failures.failed(error);
        await sleep(ERROR_BACKOFF_MS);
      }
    }
  }

  /** One step: @returns how many changes it relayed (0 when idle or another relay is active). */
  async relayOnce(): Promise<number> {
    const runner = this.outbox.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const position = await this.outbox.lockPosition(runner);
      if (!position) {
        await runner.rollbackTransaction();
        return 0;
      }
      const horizon = await this.outbox.horizon(runner);
      const changes = await this.outbox.changesAfter(runner, position, horizon, RELAY_BATCH);
      if (changes.length === 0) {
        await runner.rollbackTransaction();
        return 0;
      }
      const destinations = (await this.outbox.destinations(runner)).filter((destination) =>
        this.canWrite(destination),
      );
      const erasedIds = changes
        .filter((change) => change.kind === 'erased')
        .flatMap((change) => [change.profileId, ...change.mergedIds]);
      const held = erasedIds.length > 0 ? await this.outbox.heldBy(runner, erasedIds) : [];
      await this.queue.addBulk([...pushJobs(changes, destinations), ...eraseJobs(held)]);
      const last = changes[changes.length - 1];
      await this.outbox.savePosition(runner, { tx: last.tx, seq: last.seq });
      await runner.commitTransaction();
      return changes.length;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  private canWrite(destination: Destination): boolean {
    return this.registry.has(destination.connector)
      ? Boolean(this.registry.get(destination.connector).write)
      : false;
  }
}

/**
 * One push job per profile and destination its changes concern: every destination after a
 * change of the profile; after an `outvoted` row (the profile did not change, a tool's record
 * lost to it) only the tools that were outvoted, and none when those do not take writes (a
 * pull-only connection).
 */
function pushJobs(changes: OutboxChange[], destinations: Destination[]) {
  const everywhere = new Set<string>();
  const outvoted = new Map<string, Set<string>>();
  for (const change of changes) {
    if (PUSHED_KINDS.has(change.kind)) everywhere.add(change.profileId);
    if (change.kind !== 'outvoted') continue;
    const losers = outvoted.get(change.profileId) ?? new Set<string>();
    for (const connectionId of change.outvotedConnectionIds) losers.add(connectionId);
    outvoted.set(change.profileId, losers);
  }
  const targets: [string, Destination][] = [];
  for (const profileId of everywhere) {
    for (const destination of destinations) targets.push([profileId, destination]);
  }
  for (const [profileId, losers] of outvoted) {
    if (everywhere.has(profileId)) continue;
    for (const destination of destinations) {
      if (losers.has(destination.id)) targets.push([profileId, destination]);
    }
  }
  return targets.map(([profileId, destination]) => ({
    name: OutboundJobName.Push,
    data: { connectionId: destination.id, profileId },
    opts: {
      delay: COALESCE_WINDOW_MS,
      // One pending job per destination and profile; a change while it runs queues one more.
      deduplication: {
        id: pushDedupeId(destination.id, profileId),
        keepLastIfActive: true,
      },
    } satisfies JobsOptions,
  }));
}

/**
 * One erase job for every destination holding an erased person, whatever its settings now:
 * the propagator deletes the person there or, where it must not (propagation off, connection
 * disabled or pull-only, no erase in the connector), drops what we kept about them.
 */
function eraseJobs(held: { connectionId: string; profileId: string }[]) {
  return held.map((entry) => ({
    name: OutboundJobName.Erase,
    data: entry,
    opts: { jobId: `erase-${entry.connectionId}-${entry.profileId}` } satisfies JobsOptions,
  }));
}

import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { ConnectionEntity } from '../connections/connection.entity';
import { ConnectionEvents } from '../connections/connection-events';
import { parseSchedule, type ParsedSchedule } from '../connections/connection-schedule';
import { ConnectionsService } from '../connections/connections.service';
import { QueueName } from '../queues/queue-names';
import { scheduleId, ScheduledSyncJobData, SyncJobName } from './sync-jobs';

const SCHEDULER_PREFIX = scheduleId('');

/**
 * Keeps one BullMQ job scheduler per scheduled connection. BullMQ produces exactly one job
 * per tick whatever the number of workers, and the schedulers live in Redis, so they survive
 * restarts. Changes apply at once through connection events; `reconcile` repairs anything
 * missed (Redis down during a change, a scheduler deleted by hand).
 */
@Injectable()
export class SyncSchedules implements OnModuleInit {
  private readonly logger = new Logger(SyncSchedules.name);

  constructor(
    @InjectQueue(QueueName.Sync) private readonly queue: Queue,
    private readonly connections: ConnectionsService,
    private readonly events: ConnectionEvents,
  ) {}

  onModuleInit(): void {
    this.events.subscribe(async (change) => {
      if (change.kind === 'removed') await this.remove(change.connectionId);
      else await this.apply(change.connection);
    });
  }

  /** Creates, updates or removes the connection's scheduler to match it. */
  async apply(connection: ConnectionEntity): Promise<void> {
    const wanted = wantedSchedule(connection);
    if (!wanted) {
      await this.remove(connection.id);
      return;
    }
    const current = await this.queue.getJobScheduler(scheduleId(connection.id));
    if (current && sameSchedule(current, wanted)) return;
    await this.queue.upsertJobScheduler(
      scheduleId(connection.id),
      wanted.kind === 'cron' ? { pattern: wanted.pattern, tz: 'UTC' } : { every: wanted.everyMs },
      {
        name: SyncJobName.Scheduled,
        data: { connectionId: connection.id, mode: 'incremental' } satisfies ScheduledSyncJobData,
      },
    );
    this.logger.log(
      { connectionId: connection.id, schedule: connection.schedule },
      'sync scheduled',
    );
  }

  async remove(connectionId: string): Promise<void> {
    if (await this.queue.removeJobScheduler(scheduleId(connectionId))) {
      this.logger.log({ connectionId }, 'sync schedule removed');
    }
  }

  /**
   * Makes Redis's schedulers match the connections table. A connection whose schedule cannot
   * be applied (one stored before validation refused its syntax, say) is logged and skipped:
   * it must not keep every connection after it from being scheduled.
   */
  async reconcile(): Promise<void> {
    const connections = await this.connections.listAll();
    const known = new Set(connections.map((connection) => scheduleId(connection.id)));
    for (const connection of connections) {
      try {
        await this.apply(connection);
      } catch (error) {
        this.logger.error(
          { connectionId: connection.id, schedule: connection.schedule, err: error },
          'sync schedule could not be applied',
        );
      }
    }
    const schedulers = await this.queue.getJobSchedulers(0, -1);
    for (const scheduler of schedulers) {
      const id = scheduler.id ?? scheduler.key;
      if (id.startsWith(SCHEDULER_PREFIX) && !known.has(id)) {
        await this.queue.removeJobScheduler(id);
      }
    }
  }
}

/** Pull connections that are enabled and have a schedule get one. */
function wantedSchedule(connection: ConnectionEntity): ParsedSchedule | null {
  if (!connection.enabled || !connection.schedule || connection.direction === 'push') return null;
  return parseSchedule(connection.schedule);
}

function sameSchedule(
  current: { pattern?: string | null; every?: number | string | null },
  wanted: ParsedSchedule,
): boolean {
  return wanted.kind === 'cron'
    ? current.pattern === wanted.pattern
    : Number(current.every) === wanted.everyMs;
}

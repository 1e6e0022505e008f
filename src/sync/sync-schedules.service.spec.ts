import type { Queue } from 'bullmq';
import type { ConnectionEvents } from '../connections/connection-events';
import type { ConnectionEntity } from '../connections/connection.entity';
import type { ConnectionsService } from '../connections/connections.service';
import { SyncSchedules } from './sync-schedules.service';

function connection(id: string, schedule: string): ConnectionEntity {
  return { id, schedule, enabled: true, direction: 'pull' } as ConnectionEntity;
}

describe('SyncSchedules.reconcile', () => {
  it('schedules every other connection when one schedule cannot be applied', async () => {
    const applied: string[] = [];
    const queue = {
      getJobScheduler: jest.fn(async () => undefined),
      upsertJobScheduler: jest.fn(async (id: string, repeat: { pattern?: string }) => {
        if (repeat.pattern === 'H * * * *') throw new Error('Invalid cron expression');
        applied.push(id);
      }),
      getJobSchedulers: jest.fn(async () => []),
      removeJobScheduler: jest.fn(async () => false),
    };
    const connections = {
      listAll: jest.fn(async () => [
        connection('a0000000-0000-4000-8000-000000000001', 'H * * * *'),
        connection('a0000000-0000-4000-8000-000000000002', '15m'),
      ]),
    };
    const schedules = new SyncSchedules(
      queue as unknown as Queue,
      connections as unknown as ConnectionsService,
      {} as ConnectionEvents,
    );

    await schedules.reconcile();

    expect(applied).toEqual([expect.stringContaining('a0000000-0000-4000-8000-000000000002')]);
  });
});

import type { Queue } from 'bullmq';
import type { AppConfig } from '../../src/config/app-config';
import type { ConnectionsService } from '../../src/connections/connections.service';
import type { ConnectorRegistry } from '../../src/connector-registry/connector-registry';
import type { DeadLettersService } from '../../src/dead-letters/dead-letters.service';
import { SyncEngine } from '../../src/sync/sync-engine';
import type { SyncRunRepository } from '../../src/sync/sync-run.repository';
import type { VanishedRecordsRepository } from '../../src/sync/vanished-records.repository';

/** What a spec fakes of the engine's collaborators; anything left out is never reached. */
export interface SyncEngineFakes {
  connector: unknown;
  runs: Partial<Record<keyof SyncRunRepository, unknown>>;
  vanished?: Partial<Record<keyof VanishedRecordsRepository, unknown>>;
  deadLetters?: Partial<Record<keyof DeadLettersService, unknown>>;
  queue?: Partial<Record<keyof Queue, unknown>>;
  sync?: Partial<AppConfig['sync']>;
}

/** A SyncEngine over fakes, reading one connection through `connector`. */
export function buildSyncEngine(fakes: SyncEngineFakes): SyncEngine {
  return new SyncEngine(
    fakes.runs as unknown as SyncRunRepository,
    (fakes.vanished ?? {}) as unknown as VanishedRecordsRepository,
    {
      open: async () => ({ connection: { connector: 'fixture' } }),
      context: () => ({}),
    } as unknown as ConnectionsService,
    { get: () => fakes.connector } as unknown as ConnectorRegistry,
    (fakes.deadLetters ?? {}) as unknown as DeadLettersService,
    (fakes.queue ?? { addBulk: async () => [] }) as unknown as Queue,
    { sync: { maxDeleteFraction: 0.5, deleteGuardMinRecords: 10, ...fakes.sync } } as AppConfig,
  );
}

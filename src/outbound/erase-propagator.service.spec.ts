import { Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { ConnectorRegistry } from '../connector-registry/connector-registry';
import type { Connector, EraseItem, WriteResult } from '../connector-sdk/connector.types';
import type { ConnectionsService } from '../connections/connections.service';
import { ErasePropagator } from './erase-propagator.service';
import type { PushState, PushStateRepository } from './push-state.repository';

const PROFILE = '00000000-0000-4000-8000-000000000001';

interface Setup {
  direction?: 'push' | 'pull' | 'both';
  enabled?: boolean;
  propagateErase?: boolean;
  connector?: string;
  result?: WriteResult;
}

function setup(options: Setup = {}) {
  const erased: EraseItem[] = [];
  const forgotten: string[] = [];
  const connector = {
    manifest: {
      name: 'crm',
      displayName: 'CRM',
      configSchema: { type: 'object' },
      credentialsSchema: { type: 'object' },
    },
    erase: (_ctx: unknown, batch: EraseItem[]) => {
      erased.push(...batch);
      return Promise.resolve([options.result ?? { profileId: PROFILE, ok: true }]);
    },
  } as unknown as Connector;
  const state: PushState = {
    profileId: PROFILE,
    externalId: 'v1',
    fields: { email: 'ada@acme.io' },
    status: 'ok',
    error: null,
    pushedAt: new Date(),
    attemptedAt: new Date(),
  };
  const states = {
    state: () => Promise.resolve(forgotten.length > 0 ? null : state),
    forget: (_connectionId: string, profileId: string) => {
      forgotten.push(profileId);
      return Promise.resolve();
    },
  } as unknown as PushStateRepository;
  const connection = {
    id: 'c1',
    connector: options.connector ?? 'crm',
    direction: options.direction ?? 'push',
    enabled: options.enabled ?? true,
    propagateErase: options.propagateErase ?? true,
  };
  const connections = {
    openIfExists: () => Promise.resolve({ connection, credentials: {} }),
    context: () => ({}),
  } as unknown as ConnectionsService;
  const eraser = new ErasePropagator(connections, new ConnectorRegistry([connector]), states);
  return { eraser, erased, forgotten };
}

describe('ErasePropagator', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('deletes the person at an enabled destination that propagates erases, then forgets them', async () => {
    const { eraser, erased, forgotten } = setup();
    expect(await eraser.erase('c1', PROFILE)).toBe('erased');
    expect(erased).toEqual([
      { profileId: PROFILE, externalId: 'v1', fields: { email: 'ada@acme.io' } },
    ]);
    expect(forgotten).toEqual([PROFILE]);
  });

  it.each<[string, Setup]>([
    ['propagation is off', { propagateErase: false }],
    ['the connection is disabled', { enabled: false }],
    ['the connection only pulls', { direction: 'pull' }],
    ['its connector is no longer installed', { connector: 'uninstalled' }],
  ])('only forgets what it kept about the person when %s', async (_when, options) => {
    const { eraser, erased, forgotten } = setup(options);
    expect(await eraser.erase('c1', PROFILE)).toBe('not-supported');
    expect(erased).toEqual([]);
    expect(forgotten).toEqual([PROFILE]);
  });

  it('keeps the state when the destination refused, failing for good', async () => {
    const { eraser, forgotten } = setup({
      result: { profileId: PROFILE, ok: false, retryable: false, error: 'forbidden' },
    });
    await expect(eraser.erase('c1', PROFILE)).rejects.toThrow(UnrecoverableError);
    expect(forgotten).toEqual([]);
  });
});

import { NotFoundError, ServiceUnavailableError } from '../common/errors/domain-error';
import type { ConnectorRegistry } from '../connector-registry/connector-registry';
import type { ConnectionChange, ConnectionEvents } from '../connections/connection-events';
import { UnreadableCredentialsError } from '../connections/connection-secrets';
import type { ConnectionsService, OpenedConnection } from '../connections/connections.service';
import { CONNECTION_CACHE_TTL_MS, WebhookConnections } from './webhook-connections';

const ID = '11111111-1111-4111-8111-111111111111';
const MISSING = '22222222-2222-4222-8222-222222222222';
const KEY_LOST = '44444444-4444-4444-8444-444444444444';

function setup() {
  const opened = { connection: { id: ID, connector: 'acme', enabled: true }, credentials: {} };
  const open = jest.fn(async (id: string): Promise<OpenedConnection> => {
    if (id === MISSING) throw new NotFoundError(`No connection with id ${id}`);
    if (id === KEY_LOST) {
      throw new UnreadableCredentialsError(id, 'accessToken', 'sealed under key k3y1d0');
    }
    if (id !== ID) throw new Error('connection refused');
    return opened as unknown as OpenedConnection;
  });
  const context = jest.fn(() => ({ connectionId: ID }));
  const registry = {
    has: (name: string) => name === 'acme',
    get: () => ({ manifest: { name: 'acme' } }),
  } as unknown as ConnectorRegistry;
  let listener: ((change: ConnectionChange) => Promise<void>) | undefined;
  const events = {
    subscribe: (fn: typeof listener) => (listener = fn),
  } as unknown as ConnectionEvents;
  const cache = new WebhookConnections(
    { open, context } as unknown as ConnectionsService,
    registry,
    events,
  );
  return { cache, open, context, publish: (change: ConnectionChange) => listener?.(change) };
}

describe('WebhookConnections', () => {
  it('loads a connection once per TTL, sharing one lookup between concurrent callers', async () => {
    const { cache, open } = setup();
    const [a, b] = await Promise.all([cache.get(ID, 0), cache.get(ID, 0)]);
    expect(a).toBe(b);
    expect(a?.connector.manifest.name).toBe('acme');
    await cache.get(ID.toUpperCase(), CONNECTION_CACHE_TTL_MS - 1);
    expect(open).toHaveBeenCalledTimes(1);
    await cache.get(ID, CONNECTION_CACHE_TTL_MS);
    expect(open).toHaveBeenCalledTimes(2);
  });

  it('answers undefined for ids that are not UUIDs without a lookup, and caches misses', async () => {
    const { cache, open } = setup();
    await expect(cache.get('not-a-uuid', 0)).resolves.toBeUndefined();
    expect(open).not.toHaveBeenCalled();
    await expect(cache.get(MISSING, 0)).resolves.toBeUndefined();
    await expect(cache.get(MISSING, 1)).resolves.toBeUndefined();
    expect(open).toHaveBeenCalledTimes(1);
  });

  it('does not cache a failed lookup', async () => {
    const { cache, open } = setup();
    const other = '33333333-3333-4333-8333-333333333333';
    await expect(cache.get(other, 0)).rejects.toThrow('connection refused');
    await expect(cache.get(other, 1)).rejects.toThrow('connection refused');
    expect(open).toHaveBeenCalledTimes(2);
  });

  it('forgets a connection as soon as it is changed through this process', async () => {
    const { cache, open, publish } = setup();
    await cache.get(ID, 0);
    await publish({ kind: 'removed', connectionId: ID });
    await cache.get(ID, 1);
    expect(open).toHaveBeenCalledTimes(2);
  });

  it('builds the connector context once, on first use', async () => {
    const { cache, context } = setup();
    const connection = await cache.get(ID, 0);
    expect(context).not.toHaveBeenCalled();
    connection?.context();
    connection?.context();
    expect(context).toHaveBeenCalledTimes(1);
  });

  it('answers a connection whose credentials cannot be opened 503, without the detail', async () => {
    const { cache } = setup();
    const lookup = cache.get(KEY_LOST, 0);
    await expect(lookup).rejects.toBeInstanceOf(ServiceUnavailableError);
    const message = ((await lookup.catch((error: unknown) => error)) as Error).message;
    expect(message).not.toMatch(/k3y1d0|accessToken|SECRETS_KEY/);
  });
});

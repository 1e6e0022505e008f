import type { Connector, WebhookEvent } from '../connector-sdk/connector.types';
import type { InboundWebhook } from './inbound-webhook';
import { WebhookAccountRouter } from './webhook-account-router';
import type { WebhookConnection, WebhookConnections } from './webhook-connections';

const APP_SECRET = 'app-secret';

/** A connector whose deliveries verify against the connection's `secret`. */
const connector = {
  manifest: { name: 'crm', webhookAccountKey: 'portalId' },
  verifyWebhook: (_request: unknown, ctx: { credentials: Record<string, unknown> }) =>
    ctx.credentials.secret === APP_SECRET ? { ok: true } : { ok: false, reason: 'bad signature' },
} as unknown as Connector;

function connection(
  id: string,
  portalId: number | undefined,
  options: { secret?: string; direction?: string } = {},
): WebhookConnection {
  return {
    connector,
    opened: {
      connection: {
        id,
        enabled: true,
        direction: options.direction ?? 'pull',
        config: portalId === undefined ? {} : { portalId },
      },
      credentials: { secret: options.secret ?? APP_SECRET },
    },
  } as unknown as WebhookConnection;
}

const event = (externalId: string, account?: string): WebhookEvent => ({
  dedupeKey: externalId,
  kind: 'fetch',
  externalId,
  ...(account === undefined ? {} : { account }),
});

function router(all: WebhookConnection[]) {
  const byId = new Map(all.map((c) => [c.opened.connection.id, c]));
  const connections = {
    get: async (id: string) => byId.get(id),
    boundTo: async (_connector: string, key: string, account: string) =>
      all
        .filter((c) => String(c.opened.connection.config[key]) === account)
        .map((c) => c.opened.connection.id),
  } as unknown as WebhookConnections;
  return new WebhookAccountRouter(connections);
}

const request = {} as InboundWebhook;
const routedIds = (routed: { target: WebhookConnection; events: WebhookEvent[] }[]) =>
  Object.fromEntries(
    routed.map(({ target, events }) => [
      target.opened.connection.id,
      events.map((e) => e.externalId),
    ]),
  );

describe('WebhookAccountRouter', () => {
  const acme = connection('acme', 1);
  const other = connection('other', 2);
  const unbound = connection('unbound', undefined);
  const foreignApp = connection('foreign-app', 3, { secret: 'another app' });
  const pushOnly = connection('push-only', 4, { direction: 'push' });

  it("keeps a bound connection's own events, hands others to their account's connection, drops the rest", async () => {
    const routed = await router([acme, other, foreignApp, pushOnly]).route(acme, request, [
      event('a1', '1'),
      event('o1', '2'),
      event('f1', '3'),
      event('p1', '4'),
      event('n1'),
      event('x1', '9'),
    ]);
    expect(routedIds(routed)).toEqual({ acme: ['a1'], other: ['o1'] });
  });

  it('lets a connection bound to no account take what no bound connection claims', async () => {
    const routed = await router([unbound, other]).route(unbound, request, [
      event('o1', '2'),
      event('n1'),
      event('x1', '9'),
    ]);
    expect(routedIds(routed)).toEqual({ other: ['o1'], unbound: ['n1', 'x1'] });
  });

  it('leaves every event with the connection when its connector binds no accounts', async () => {
    const plain = { ...unbound, connector: { manifest: { name: 'shop' } } } as WebhookConnection;
    const routed = await router([plain]).route(plain, request, [event('s1', '2')]);
    expect(routedIds(routed)).toEqual({ unbound: ['s1'] });
  });
});

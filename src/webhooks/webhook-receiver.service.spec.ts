import type { Connector, WebhookEvent, WebhookRequest } from '../connector-sdk/connector.types';
import type { InboundWebhook } from './inbound-webhook';
import type { WebhookConnection, WebhookConnections } from './webhook-connections';
import type { WebhookInbox } from './webhook-inbox';
import { WebhookAccountRouter } from './webhook-account-router';
import { WebhookReceiver } from './webhook-receiver.service';

const ID = '11111111-1111-4111-8111-111111111111';

const request = (overrides: Partial<InboundWebhook> = {}): InboundWebhook => ({
  method: 'POST',
  url: `https://hooks.example.com/webhooks/${ID}`,
  headers: { 'content-type': 'application/json', 'x-signature': 'good' },
  rawBody: Buffer.from('[{"id":"1"},{"id":"2"}]'),
  receivedAt: Date.UTC(2026, 0, 1),
  mediaType: 'application/json',
  requestId: 'req-7',
  ...overrides,
});

function setup(
  options: { enabled?: boolean; found?: boolean; connector?: Partial<Connector> } = {},
) {
  const verifyWebhook = jest.fn((req: WebhookRequest) =>
    req.headers['x-signature'] === 'good'
      ? { ok: true as const }
      : { ok: false as const, reason: 'bad signature' },
  );
  const parseWebhook = jest.fn((req: WebhookRequest): WebhookEvent[] =>
    (JSON.parse(req.rawBody.toString()) as { id: string }[]).map((e) => ({
      dedupeKey: `evt-${e.id}`,
      kind: 'fetch',
      externalId: e.id,
    })),
  );
  const connector = {
    manifest: { name: 'acme', displayName: 'Acme' },
    verifyWebhook,
    parseWebhook,
    ...options.connector,
  } as unknown as Connector;
  const target = {
    connector,
    opened: {
      connection: { id: ID, enabled: options.enabled ?? true, config: { region: 'eu' } },
      credentials: { clientSecret: 's3cret' },
    },
  } as unknown as WebhookConnection;
  const connections = {
    get: jest.fn(async () => (options.found === false ? undefined : target)),
  } as unknown as WebhookConnections;
  const append = jest.fn(async () => ({ duplicates: 1 }));
  const receiver = new WebhookReceiver(
    connections,
    { append } as unknown as WebhookInbox,
    new WebhookAccountRouter(connections),
  );
  return { receiver, verifyWebhook, parseWebhook, append };
}

describe('WebhookReceiver', () => {
  it('verifies with the connection config and credentials, parses with its config, then queues one job per event', async () => {
    const { receiver, verifyWebhook, parseWebhook, append } = setup();
    await expect(receiver.receive(ID, request())).resolves.toEqual({ received: 2, duplicates: 1 });
    expect(verifyWebhook).toHaveBeenCalledWith(request(), {
      config: { region: 'eu' },
      credentials: { clientSecret: 's3cret' },
    });
    // Credentials are not needed to read events: only the config is handed over.
    expect(parseWebhook).toHaveBeenCalledWith(request(), { config: { region: 'eu' } });
    expect(append).toHaveBeenCalledWith([
      {
        connectionId: ID,
        connector: 'acme',
        deliveryId: 'req-7',
        receivedAt: '2026-01-01T00:00:00.000Z',
        event: { dedupeKey: 'evt-1', kind: 'fetch', externalId: '1' },
      },
      expect.objectContaining({ event: { dedupeKey: 'evt-2', kind: 'fetch', externalId: '2' } }),
    ]);
  });

  it.each([
    ['unknown', { found: false }],
    ['disabled', { enabled: false }],
    ['without webhook support', { connector: { verifyWebhook: undefined } }],
  ])('answers 404 for a connection %s', async (_case, options) => {
    const { receiver, append } = setup(options);
    await expect(receiver.receive(ID, request())).rejects.toMatchObject({ httpStatus: 404 });
    expect(append).not.toHaveBeenCalled();
  });

  it('takes form-encoded deliveries too (Mailchimp), leaving their shape to the connector', async () => {
    const { receiver, verifyWebhook } = setup();
    const form = request({
      mediaType: 'application/x-www-form-urlencoded',
      rawBody: Buffer.from('type=profile&data[id]=1'),
    });
    await expect(receiver.receive(ID, form)).rejects.toMatchObject({ httpStatus: 400 });
    expect(verifyWebhook).toHaveBeenCalled();
  });

  it('answers 415 to a body that is neither JSON nor form fields, before the signature', async () => {
    const { receiver, verifyWebhook } = setup();
    await expect(
      receiver.receive(
        ID,
        request({ mediaType: 'text/plain', headers: { 'content-type': 'text/plain' } }),
      ),
    ).rejects.toMatchObject({ httpStatus: 415, message: expect.stringContaining('"text/plain"') });
    expect(verifyWebhook).not.toHaveBeenCalled();
  });

  it('answers 401 with the reason when verification fails, and neither parses nor queues', async () => {
    const { receiver, parseWebhook, append } = setup();
    await expect(
      receiver.receive(ID, request({ headers: { 'x-signature': 'forged' } })),
    ).rejects.toMatchObject({
      httpStatus: 401,
      message: 'Webhook signature rejected: bad signature',
    });
    expect(parseWebhook).not.toHaveBeenCalled();
    expect(append).not.toHaveBeenCalled();
  });

  it('answers 400 to a signed body the connector cannot parse', async () => {
    const { receiver } = setup();
    await expect(
      receiver.receive(ID, request({ rawBody: Buffer.from('{not json') })),
    ).rejects.toMatchObject({ httpStatus: 400 });
  });

  it('acknowledges a delivery without handled events without queueing anything', async () => {
    const { receiver, append } = setup();
    await expect(receiver.receive(ID, request({ rawBody: Buffer.from('[]') }))).resolves.toEqual({
      received: 0,
      duplicates: 0,
    });
    expect(append).not.toHaveBeenCalled();
  });

  it("answers a GET with the connector's answer, given the connection's config and secrets", async () => {
    const answerWebhookGet = jest.fn(() => ({ status: 200, body: 'challenge-42' }));
    const { receiver } = setup({ connector: { answerWebhookGet } });
    const get = request({ method: 'GET', rawBody: Buffer.alloc(0), mediaType: undefined });
    await expect(receiver.answerGet(ID, get)).resolves.toEqual({
      status: 200,
      body: 'challenge-42',
    });
    expect(answerWebhookGet).toHaveBeenCalledWith(get, {
      config: { region: 'eu' },
      credentials: { clientSecret: 's3cret' },
    });
  });

  it('answers a GET with 405 when the connector takes none, and 404 for a disabled connection', async () => {
    const get = request({ method: 'GET', rawBody: Buffer.alloc(0), mediaType: undefined });
    await expect(setup().receiver.answerGet(ID, get)).rejects.toMatchObject({
      httpStatus: 405,
      message: 'Acme webhooks are POSTed to this URL; there is nothing to GET',
    });
    const answerWebhookGet = jest.fn(() => ({ status: 200 }));
    await expect(
      setup({ enabled: false, connector: { answerWebhookGet } }).receiver.answerGet(ID, get),
    ).rejects.toMatchObject({ httpStatus: 404 });
    expect(answerWebhookGet).not.toHaveBeenCalled();
  });
});

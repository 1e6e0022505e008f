import { createHmac } from 'node:crypto';
import type { WebhookRequest } from '../../src/connector-sdk';
import { parseZendeskWebhook } from './parse-webhook';
import { verifyZendeskWebhook } from './webhook-signature';

const SECRET = 'dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==';
const SIGNED_AT = '2024-11-05T15:15:01Z';
const RECEIVED_AT = Date.parse(SIGNED_AT) + 2_000;

function eventBody(
  type: string,
  event: Record<string, unknown> = {},
  id = '6596848315901',
  role = 'end-user',
) {
  return JSON.stringify({
    type,
    account_id: 12514403,
    id: '2b24ef10-19d4-4740-93cf-8f98ec4776c0',
    time: '2024-11-05T15:15:00Z',
    zendesk_event_version: '2022-06-20',
    subject: `zen:user:${id}`,
    detail: {
      created_at: '2024-11-05T15:00:00Z',
      email: 'ann@example.com',
      external_id: '',
      default_group_id: '0',
      id,
      organization_id: '0',
      role,
      updated_at: '2024-11-05T15:15:00Z',
    },
    event,
  });
}

/** Signed with the Node primitive directly, not with the connector's helper. */
function delivery(body: string, headers: Record<string, string> = {}): WebhookRequest {
  const signature = createHmac('sha256', SECRET)
    .update(SIGNED_AT + body)
    .digest('base64');
  return {
    method: 'POST',
    url: 'https://hooks.example.com/webhooks/c1',
    headers: {
      'X-Zendesk-Account-Id': '12514403',
      'X-Zendesk-Webhook-Id': '01F1KRFQ6BG29CNWFR60NK5FNY',
      'X-Zendesk-Webhook-Invocation-Id': '8350205582',
      'X-Zendesk-Webhook-Signature': signature,
      'X-Zendesk-Webhook-Signature-Timestamp': SIGNED_AT,
      ...headers,
    },
    rawBody: Buffer.from(body),
    receivedAt: RECEIVED_AT,
  };
}

const ctx = { config: {}, credentials: { email: 'a@b.co', apiToken: 't', webhookSecret: SECRET } };

describe('verifyZendeskWebhook', () => {
  const body = eventBody('zen:event-type:user.created');

  it('accepts base64 HMAC-SHA256 of timestamp + body within five minutes either way', () => {
    expect(verifyZendeskWebhook(delivery(body), ctx)).toEqual({ ok: true });
    const early = { ...delivery(body), receivedAt: Date.parse(SIGNED_AT) - 60_000 };
    expect(verifyZendeskWebhook(early, ctx)).toEqual({ ok: true });
  });

  it('refuses a tampered body, another secret, a stale or future timestamp', () => {
    const tampered = { ...delivery(body), rawBody: Buffer.from(body.replace('ann@', 'eve@')) };
    expect(verifyZendeskWebhook(tampered, ctx)).toEqual({
      ok: false,
      reason: 'Invalid X-Zendesk-Webhook-Signature',
    });
    const other = { ...ctx, credentials: { ...ctx.credentials, webhookSecret: 'other' } };
    expect(verifyZendeskWebhook(delivery(body), other)).toMatchObject({ ok: false });
    const stale = { ...delivery(body), receivedAt: Date.parse(SIGNED_AT) + 5 * 60_000 + 1 };
    expect(verifyZendeskWebhook(stale, ctx)).toEqual({
      ok: false,
      reason: 'Zendesk signature timestamp is more than 5 minutes off',
    });
    const future = { ...delivery(body), receivedAt: Date.parse(SIGNED_AT) - 5 * 60_000 - 1 };
    expect(verifyZendeskWebhook(future, ctx)).toMatchObject({ ok: false });
  });

  it('refuses a timestamp changed after signing and missing headers or secret', () => {
    const moved = delivery(body, {
      'X-Zendesk-Webhook-Signature-Timestamp': '2024-11-05T15:15:02Z',
    });
    expect(verifyZendeskWebhook(moved, ctx)).toMatchObject({ ok: false });
    const { 'X-Zendesk-Webhook-Signature': _s, ...unsigned } = delivery(body).headers;
    expect(verifyZendeskWebhook({ ...delivery(body), headers: unsigned }, ctx)).toEqual({
      ok: false,
      reason: 'Missing X-Zendesk-Webhook-Signature header',
    });
    const { 'X-Zendesk-Webhook-Signature-Timestamp': _t, ...undated } = delivery(body).headers;
    expect(verifyZendeskWebhook({ ...delivery(body), headers: undated }, ctx)).toMatchObject({
      ok: false,
    });
    expect(
      verifyZendeskWebhook(delivery(body), {
        config: {},
        credentials: { email: 'a', apiToken: 't' },
      }),
    ).toEqual({ ok: false, reason: 'No webhook signing secret configured for this connection' });
  });
});

describe('parseZendeskWebhook', () => {
  const parse = (type: string, event?: Record<string, unknown>) =>
    parseZendeskWebhook(delivery(eventBody(type, event)));

  it('turns changes into fetches keyed by the invocation id, not the webhook id', () => {
    for (const type of [
      'zen:event-type:user.created',
      'zen:event-type:user.name_changed',
      'zen:event-type/user.identity_changed',
      'zen:event-type:user.custom_field_changed',
      'zen:event-type:user.tags_changed',
      'zen:event-type:user.some_future_event',
    ]) {
      expect(parse(type)).toEqual([
        {
          dedupeKey: 'zendesk:8350205582',
          kind: 'fetch',
          externalId: '6596848315901',
          occurredAt: '2024-11-05T15:15:00.000Z',
        },
      ]);
    }
  });

  it('turns user.deleted and active_changed to false into deletes', () => {
    expect(parse('zen:event-type:user.deleted')[0]).toMatchObject({ kind: 'delete' });
    expect(
      parse('zen:event-type:user.active_changed', { current: false, previous: true })[0],
    ).toMatchObject({ kind: 'delete', externalId: '6596848315901' });
    expect(
      parse('zen:event-type:user.active_changed', { current: true, previous: false })[0],
    ).toMatchObject({ kind: 'fetch' });
  });

  it('takes events about agents and admins for left-out users: nothing to fetch, nothing learnt', () => {
    const staff = (type: string, role: string, event?: Record<string, unknown>) =>
      parseZendeskWebhook(delivery(eventBody(type, event, '6596848315901', role)), {
        config: {},
      });
    const leftOut = (role: string) => [
      {
        dedupeKey: 'zendesk:8350205582',
        kind: 'upsert',
        externalId: '6596848315901',
        occurredAt: '2024-11-05T15:15:00.000Z',
        record: { leftOut: 'staff', id: 6596848315901, role, updated_at: '2024-11-05T15:15:00Z' },
      },
    ];
    expect(staff('zen:event-type:user.created', 'agent')).toEqual(leftOut('agent'));
    expect(staff('zen:event-type:user.name_changed', 'admin')).toEqual(leftOut('admin'));
    // A deleted agent is not a customer's deletion: nothing for someone Syncline never took.
    expect(staff('zen:event-type:user.deleted', 'agent')).toEqual(leftOut('agent'));
    // The promotion itself: the event's new role decides, whatever `detail` says.
    const promoted = { current: 'agent', previous: 'end-user' };
    expect(staff('zen:event-type:user.role_changed', 'end-user', promoted)).toEqual(
      leftOut('agent'),
    );
    // Without a connection config (parsed on its own), staff are left out too.
    expect(
      parseZendeskWebhook(
        delivery(eventBody('zen:event-type:user.created', {}, '6596848315901', 'admin')),
      ),
    ).toEqual(leftOut('admin'));
  });

  it('fetches an agent made an end-user, and every user of a connection that includes staff', () => {
    const demoted = { current: 'end-user', previous: 'agent' };
    expect(parse('zen:event-type:user.role_changed', demoted)[0]).toMatchObject({ kind: 'fetch' });
    const withStaff = (type: string, event?: Record<string, unknown>) =>
      parseZendeskWebhook(delivery(eventBody(type, event, '6596848315901', 'agent')), {
        config: { includeStaff: true },
      })[0];
    expect(withStaff('zen:event-type:user.created')).toMatchObject({ kind: 'fetch' });
    expect(
      withStaff('zen:event-type:user.role_changed', { current: 'agent', previous: 'end-user' }),
    ).toMatchObject({ kind: 'fetch' });
    expect(withStaff('zen:event-type:user.deleted')).toMatchObject({ kind: 'delete' });
  });

  it('ignores noise and non-user events', () => {
    expect(parse('zen:event-type:user.last_login_changed')).toEqual([]);
    expect(parse('zen:event-type:organization.created')).toEqual([]);
  });

  it('falls back to the event id and the subject', () => {
    const body = JSON.parse(eventBody('zen:event-type:user.created')) as Record<string, unknown>;
    delete body.detail;
    const { 'X-Zendesk-Webhook-Invocation-Id': _i, ...headers } = delivery('{}').headers;
    const [event] = parseZendeskWebhook({
      ...delivery(JSON.stringify(body)),
      headers,
    });
    expect(event).toMatchObject({
      dedupeKey: 'zendesk:2b24ef10-19d4-4740-93cf-8f98ec4776c0',
      externalId: '6596848315901',
    });
  });
});

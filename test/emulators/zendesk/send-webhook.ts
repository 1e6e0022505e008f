/**
 * Zendesk event webhook deliveries: one event per POST, the documented envelope
 * (`type`, `account_id`, `id`, `time`, `zendesk_event_version`, `subject`, `detail`, `event`),
 * signed with base64 HMAC-SHA256 of `timestamp + rawBody` keyed by the webhook's signing
 * secret, with every header Zendesk sets.
 */
import { createHmac, randomInt, randomUUID } from 'node:crypto';
import { zendeskTime, type StoredUser } from './user-store';

export type ZendeskUserEventType =
  | 'user.created'
  | 'user.deleted'
  | 'user.name_changed'
  | 'user.identity_changed'
  | 'user.identity_created'
  | 'user.identity_deleted'
  | 'user.active_changed'
  | 'user.details_changed'
  | 'user.external_id_changed'
  | 'user.custom_field_changed'
  | 'user.tags_changed'
  | 'user.last_login_changed'
  | 'user.role_changed'
  | 'user.merged';

export interface SendZendeskWebhookOptions {
  /** The webhook's signing secret. */
  secret: string;
  /** Signature timestamp (ms); default now. Set it in the past to test the replay window. */
  timestamp?: number;
  /** Reuse to simulate Zendesk retrying one delivery. */
  invocationId?: string;
  /** The webhook's id: the same on every delivery of one webhook. */
  webhookId?: string;
  accountId?: number;
  /** The event's `event` object; a plausible one per type by default. */
  event?: Record<string, unknown>;
  /** Extra or overriding headers (e.g. a forged signature). */
  headers?: Record<string, string>;
}

export interface SentZendeskWebhook {
  status: number;
  body: string;
  rawBody: string;
  invocationId: string;
  webhookId: string;
}

const DEFAULT_WEBHOOK_ID = '01F1KRFQ6BG29CNWFR60NK5FNY';

export async function sendZendeskWebhook(
  url: string,
  type: ZendeskUserEventType,
  user: StoredUser,
  options: SendZendeskWebhookOptions,
): Promise<SentZendeskWebhook> {
  const accountId = options.accountId ?? 12514403;
  const rawBody = JSON.stringify({
    type: `zen:event-type:${type}`,
    account_id: accountId,
    id: randomUUID(),
    time: zendeskTime(user.updatedAt),
    zendesk_event_version: '2022-11-06',
    subject: `zen:user:${user.id}`,
    detail: {
      created_at: zendeskTime(user.createdAt),
      email: user.email,
      external_id: user.external_id ?? '',
      default_group_id: '0',
      id: String(user.id),
      organization_id: String(user.organization_id ?? 0),
      role: user.role,
      updated_at: zendeskTime(user.updatedAt),
    },
    event: options.event ?? defaultEvent(type, user),
  });
  const timestamp = zendeskTime(options.timestamp ?? Date.now());
  const signature = createHmac('sha256', options.secret)
    .update(timestamp + rawBody)
    .digest('base64');
  const invocationId = options.invocationId ?? String(randomInt(1_000_000_000, 9_999_999_999));
  const webhookId = options.webhookId ?? DEFAULT_WEBHOOK_ID;
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Zendesk Webhook',
      'x-zendesk-account-id': String(accountId),
      'x-zendesk-webhook-id': webhookId,
      'x-zendesk-webhook-invocation-id': invocationId,
      'x-zendesk-webhook-signature': signature,
      'x-zendesk-webhook-signature-timestamp': timestamp,
      ...options.headers,
    },
    body: rawBody,
  });
  return { status: response.status, body: await response.text(), rawBody, invocationId, webhookId };
}

function defaultEvent(type: ZendeskUserEventType, user: StoredUser): Record<string, unknown> {
  switch (type) {
    case 'user.name_changed':
      return { current: user.name, previous: '' };
    case 'user.active_changed':
      return { current: user.active, previous: !user.active };
    case 'user.identity_changed':
    case 'user.identity_created':
    case 'user.identity_deleted':
      return {
        identity: { id: user.id + 1, type: 'email', value: user.email, primary: true },
      };
    case 'user.external_id_changed':
      return { current: user.external_id ?? '', previous: '' };
    case 'user.role_changed':
      return { current: user.role, previous: user.previousRole };
    default:
      return {};
  }
}

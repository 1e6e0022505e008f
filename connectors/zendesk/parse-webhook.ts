import {
  toIsoTime,
  webhookHeader,
  type WebhookEvent,
  type WebhookRequest,
} from '../../src/connector-sdk';
import type { ZendeskUser } from './types';
import type { ZendeskWebhookEvent } from './webhook-types';

const TYPE_PREFIX = /^zen:event-type[:/]/;

/**
 * User events that change nothing this connector maps: fetching the user for them would only
 * spend the rate budget (a login alone fires `last_login_changed`). Any other user event,
 * including ones added after this list was written, fetches the user: better a wasted fetch
 * than a missed change.
 */
const IGNORED = new Set([
  'user.last_login_changed',
  'user.alias_changed',
  'user.notes_changed',
  'user.custom_role_changed',
  'user.default_group_changed',
  'user.group_membership_created',
  'user.group_membership_deleted',
  'user.only_private_comments_changed',
  'user.photo_changed',
]);

/**
 * One delivery carries one event. `detail` holds only ids and a few fields (no name, no
 * phone), so every change is a `fetch` of the full user; `user.deleted`, and
 * `user.active_changed` to false (Zendesk's soft delete), are deletes. Non-user events are
 * ignored.
 *
 * Deduplicated on `X-Zendesk-Webhook-Invocation-Id` (one per delivery, kept by retries), not
 * `X-Zendesk-Webhook-Id`, which names the webhook and is the same on every delivery.
 */
export function parseZendeskWebhook(request: WebhookRequest): WebhookEvent<ZendeskUser>[] {
  const body = JSON.parse(request.rawBody.toString('utf8')) as ZendeskWebhookEvent;
  if (!body || typeof body !== 'object' || typeof body.type !== 'string') {
    throw new Error('Zendesk webhook body is not an event (no "type")');
  }
  const type = body.type.replace(TYPE_PREFIX, '');
  if (!type.startsWith('user.') || IGNORED.has(type)) return [];

  const externalId = userIdOf(body);
  if (!externalId) throw new Error(`Zendesk ${type} event names no user`);
  const invocationId = webhookHeader(request.headers, 'x-zendesk-webhook-invocation-id');
  const dedupeKey = invocationId ?? body.id;
  if (!dedupeKey) {
    throw new Error('Zendesk delivery has neither X-Zendesk-Webhook-Invocation-Id nor an event id');
  }
  const deleted =
    type === 'user.deleted' || (type === 'user.active_changed' && body.event?.current === false);
  const occurredAt = body.time ? toIsoTime(body.time) : undefined;
  return [
    {
      dedupeKey: `zendesk:${dedupeKey}`,
      kind: deleted ? 'delete' : 'fetch',
      externalId,
      ...(occurredAt ? { occurredAt } : {}),
    },
  ];
}

function userIdOf(body: ZendeskWebhookEvent): string | undefined {
  const id = body.detail?.id;
  if ((typeof id === 'string' && /^\d+$/.test(id)) || typeof id === 'number') return String(id);
  return body.subject?.match(/^zen:user:(\d+)$/)?.[1];
}

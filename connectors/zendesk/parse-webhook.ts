import {
  toIsoTime,
  webhookHeader,
  type ConnectorContext,
  type WebhookEvent,
  type WebhookRequest,
} from '../../src/connector-sdk';
import { leftOutUser, takesRole } from './scope';
import type { ZendeskConfig, ZendeskRecord } from './types';
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
 * An event about a user the connection leaves out (`detail.role`, or for `user.role_changed` the
 * new role, is agent or admin, without `config.includeStaff`) fetches nothing: it carries a
 * left-out record, so an end-user just promoted loses the profile data Syncline holds of them,
 * and staff Syncline never held create nothing. Without a role in the event, the fetch decides.
 *
 * Deduplicated on `X-Zendesk-Webhook-Invocation-Id` (one per delivery, kept by retries), not
 * `X-Zendesk-Webhook-Id`, which names the webhook and is the same on every delivery.
 */
export function parseZendeskWebhook(
  request: WebhookRequest,
  ctx?: Pick<ConnectorContext<ZendeskConfig>, 'config'>,
): WebhookEvent<ZendeskRecord>[] {
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
  const occurredAt = body.time ? toIsoTime(body.time) : undefined;
  const event = {
    dedupeKey: `zendesk:${dedupeKey}`,
    externalId,
    ...(occurredAt ? { occurredAt } : {}),
  };
  const role = roleOf(type, body);
  if (role !== undefined && !takesRole(role, ctx?.config)) {
    const record = leftOutUser(Number(externalId), role, body.time ?? body.detail?.updated_at);
    return [{ ...event, kind: 'upsert', record }];
  }
  const deleted =
    type === 'user.deleted' || (type === 'user.active_changed' && body.event?.current === false);
  return [{ ...event, kind: deleted ? 'delete' : 'fetch' }];
}

/** The user's role once the event happened, when the event says. */
function roleOf(type: string, body: ZendeskWebhookEvent): string | undefined {
  const changedTo = type === 'user.role_changed' ? body.event?.current : undefined;
  if (typeof changedTo === 'string' && changedTo) return changedTo;
  const role = body.detail?.role;
  return typeof role === 'string' && role ? role : undefined;
}

function userIdOf(body: ZendeskWebhookEvent): string | undefined {
  const id = body.detail?.id;
  if ((typeof id === 'string' && /^\d+$/.test(id)) || typeof id === 'number') return String(id);
  return body.subject?.match(/^zen:user:(\d+)$/)?.[1];
}

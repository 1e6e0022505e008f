import type { WebhookEvent, WebhookRequest } from '../../src/connector-sdk';
import type { HubspotContact } from './types';
import type { HubspotWebhookEvent } from './webhook-types';

/** Events that carry only an id: the runtime fetches the contact (batched) to ingest it. */
const FETCH_TYPES = new Set(['contact.creation', 'contact.propertyChange', 'contact.restore']);
const DELETE_TYPES = new Set(['contact.deletion', 'contact.privacyDeletion']);
const MERGE_TYPE = 'contact.merge';

/**
 * A delivery's body is a JSON array of events (HubSpot batches up to 100 per request).
 * Subscriptions this connector does not handle (companies, deals, …) are ignored.
 *
 * Each event names its HubSpot account (`account`: the portalId): a public app has one webhook
 * URL for every account that installs it and signs all their events with the same client
 * secret, so a valid signature does not say the event belongs to this connection. The runtime
 * hands it to the connection bound to that account (`config.portalId`, the manifest's
 * `webhookAccountKey`), or ignores it.
 *
 * A merge ends the secondary contacts (their ids now lead to the primary, so fetching them
 * would never say they are gone) and changes the resulting one: deletions for the former, a
 * fetch of the latter.
 */
export function parseHubspotWebhook(request: WebhookRequest): WebhookEvent<HubspotContact>[] {
  const body: unknown = JSON.parse(request.rawBody.toString('utf8'));
  if (!Array.isArray(body)) throw new Error('HubSpot webhook body is not a JSON array of events');
  const events: WebhookEvent<HubspotContact>[] = [];
  for (const item of body as HubspotWebhookEvent[]) {
    const handled =
      FETCH_TYPES.has(item.subscriptionType) ||
      DELETE_TYPES.has(item.subscriptionType) ||
      item.subscriptionType === MERGE_TYPE;
    if (!handled) continue;
    if (item.eventId === undefined || item.objectId === undefined) {
      throw new Error(`HubSpot ${item.subscriptionType} event without eventId or objectId`);
    }
    const occurredAt =
      typeof item.occurredAt === 'number'
        ? { occurredAt: new Date(item.occurredAt).toISOString() }
        : {};
    // An event without a portalId cannot show whose it is: only a connection bound to no
    // account takes it.
    const account = item.portalId === undefined ? {} : { account: String(item.portalId) };
    const event = (kind: 'fetch' | 'delete', objectId: number): WebhookEvent<HubspotContact> => ({
      dedupeKey: dedupeKey(item, objectId),
      kind,
      externalId: String(objectId),
      ...occurredAt,
      ...account,
    });
    if (item.subscriptionType !== MERGE_TYPE) {
      events.push(
        event(FETCH_TYPES.has(item.subscriptionType) ? 'fetch' : 'delete', item.objectId),
      );
      continue;
    }
    const result = item.newObjectId ?? item.primaryObjectId ?? item.objectId;
    events.push(event('fetch', result));
    const ended = new Set([item.primaryObjectId, item.objectId, ...(item.mergedObjectIds ?? [])]);
    for (const id of ended) if (id !== undefined && id !== result) events.push(event('delete', id));
  }
  return events;
}

/**
 * What identifies one event across HubSpot's retries. HubSpot documents `eventId` as not
 * guaranteed to be unique, so it alone could drop a distinct event as a replay; the fields
 * that describe the change are stable across retries (only `attemptNumber` changes).
 */
function dedupeKey(item: HubspotWebhookEvent, objectId: number): string {
  return [
    'hubspot',
    item.eventId,
    item.subscriptionType,
    objectId,
    item.occurredAt ?? '',
    item.propertyName ?? '',
  ].join(':');
}

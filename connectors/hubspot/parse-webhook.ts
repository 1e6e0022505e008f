import type { WebhookEvent, WebhookRequest } from '../../src/connector-sdk';
import type { HubspotContact } from './types';
import type { HubspotWebhookEvent } from './webhook-types';

/** Events that carry only an id: the runtime fetches the contact (batched) to ingest it. */
const FETCH_TYPES = new Set(['contact.creation', 'contact.propertyChange', 'contact.restore']);
const DELETE_TYPES = new Set(['contact.deletion', 'contact.privacyDeletion']);

/**
 * A delivery's body is a JSON array of events (HubSpot batches up to 100 per request). Each
 * event is deduplicated on its own `eventId`, since a retried delivery may be regrouped.
 * Subscriptions this connector does not handle (companies, deals, …) are ignored.
 */
export function parseHubspotWebhook(request: WebhookRequest): WebhookEvent<HubspotContact>[] {
  const body: unknown = JSON.parse(request.rawBody.toString('utf8'));
  if (!Array.isArray(body)) throw new Error('HubSpot webhook body is not a JSON array of events');
  const events: WebhookEvent<HubspotContact>[] = [];
  for (const item of body as HubspotWebhookEvent[]) {
    const kind = FETCH_TYPES.has(item.subscriptionType)
      ? 'fetch'
      : DELETE_TYPES.has(item.subscriptionType)
        ? 'delete'
        : undefined;
    if (!kind) continue;
    if (item.eventId === undefined || item.objectId === undefined) {
      throw new Error(`HubSpot ${item.subscriptionType} event without eventId or objectId`);
    }
    events.push({
      dedupeKey: `hubspot:${item.eventId}`,
      kind,
      externalId: String(item.objectId),
      ...(typeof item.occurredAt === 'number'
        ? { occurredAt: new Date(item.occurredAt).toISOString() }
        : {}),
    });
  }
  return events;
}

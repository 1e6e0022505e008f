/**
 * HubSpot webhook deliveries: a JSON array of events, signed with v3 (timestamped HMAC over
 * method + URI + body + timestamp) and, as HubSpot still does for compatibility, the legacy
 * v1 header (SHA-256 of secret + body).
 */
import { createHash, createHmac } from 'node:crypto';

export interface HubspotWebhookEventInput {
  subscriptionType:
    'contact.creation' | 'contact.propertyChange' | 'contact.deletion' | 'contact.privacyDeletion';
  objectId: number;
  eventId?: number;
  occurredAt?: number;
  propertyName?: string;
  propertyValue?: string;
  attemptNumber?: number;
}

export interface SendHubspotWebhookOptions {
  clientSecret: string;
  /** Request timestamp (ms); default now. Set it in the past to test the replay window. */
  timestamp?: number;
  /** The account the events come from. Default `DEFAULT_PORTAL_ID`. */
  portalId?: number;
  appId?: number;
  /** Extra or overriding headers (e.g. a forged signature). */
  headers?: Record<string, string>;
}

/** The HubSpot account the emulator plays, unless told otherwise (HubSpot's own example id). */
export const DEFAULT_PORTAL_ID = 62515;

let nextEventId = 1_000;
/**
 * When each event id was first sent: HubSpot retries an event as it was (only `attemptNumber`
 * changes), so sending an event id again without a time repeats the first one.
 */
const firstSentAt = new Map<number, number>();

function occurredAtOf(eventId: number, given: number | undefined): number {
  if (given !== undefined) return given;
  const first = firstSentAt.get(eventId) ?? Date.now();
  firstSentAt.set(eventId, first);
  return first;
}

export async function sendHubspotWebhook(
  url: string,
  events: HubspotWebhookEventInput[],
  options: SendHubspotWebhookOptions,
): Promise<{ status: number; body: string; rawBody: string }> {
  const portalId = options.portalId ?? DEFAULT_PORTAL_ID;
  const appId = options.appId ?? 54321;
  const timestamp = String(options.timestamp ?? Date.now());
  const rawBody = JSON.stringify(
    events.map((event) => {
      const eventId = event.eventId ?? nextEventId++;
      return {
        eventId,
        subscriptionId: 12345,
        portalId,
        appId,
        occurredAt: occurredAtOf(eventId, event.occurredAt),
        subscriptionType: event.subscriptionType,
        attemptNumber: event.attemptNumber ?? 0,
        objectId: event.objectId,
        ...(event.propertyName !== undefined ? { propertyName: event.propertyName } : {}),
        ...(event.propertyValue !== undefined ? { propertyValue: event.propertyValue } : {}),
        changeSource: 'CRM',
        ...(event.subscriptionType === 'contact.creation' ? { changeFlag: 'NEW' } : {}),
      };
    }),
  );
  // HubSpot signs the URL as it called it; these escapes are decoded before hashing.
  const uri = url.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (escape) =>
    decodeURIComponent(escape),
  );
  const v3 = createHmac('sha256', options.clientSecret)
    .update(`POST${uri}${rawBody}${timestamp}`)
    .digest('base64');
  const v1 = createHash('sha256').update(`${options.clientSecret}${rawBody}`).digest('hex');
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'HubSpot Connect 2.0 (http://dev.hubspot.com/) - WebhooksExecutorDaemon',
      'x-hubspot-signature-v3': v3,
      'x-hubspot-request-timestamp': timestamp,
      'x-hubspot-signature': v1,
      'x-hubspot-signature-version': 'v1',
      ...options.headers,
    },
    body: rawBody,
  });
  return { status: response.status, body: await response.text(), rawBody };
}

import {
  toIsoTime,
  webhookHeader,
  type WebhookEvent,
  type WebhookRequest,
} from '../../src/connector-sdk';
import { customerId } from './customer-id';
import type { ShopifyCustomer } from './types';

const UPSERT_TOPICS = new Set(['customers/create', 'customers/update']);
const DELETE_TOPIC = 'customers/delete';

/**
 * One delivery = one event. The body is the customer itself (for `customers/delete`, a stub
 * holding little more than the id), so create/update need no fetch. Other topics are ignored.
 */
export function parseShopifyWebhook(request: WebhookRequest): WebhookEvent<ShopifyCustomer>[] {
  const topic = webhookHeader(request.headers, 'x-shopify-topic');
  if (!topic || (!UPSERT_TOPICS.has(topic) && topic !== DELETE_TOPIC)) return [];
  // The webhook id is Shopify's idempotency key (the same on every retry of one delivery);
  // the event id also identifies the underlying change.
  const dedupeKey =
    webhookHeader(request.headers, 'x-shopify-webhook-id') ??
    webhookHeader(request.headers, 'x-shopify-event-id');
  if (!dedupeKey) {
    throw new Error('Shopify delivery has neither X-Shopify-Webhook-Id nor X-Shopify-Event-Id');
  }
  const customer = JSON.parse(request.rawBody.toString('utf8')) as ShopifyCustomer;
  const triggeredAt = webhookHeader(request.headers, 'x-shopify-triggered-at');
  const occurredAt = triggeredAt ? toIsoTime(triggeredAt) : undefined;
  const event: WebhookEvent<ShopifyCustomer> = {
    dedupeKey,
    kind: topic === DELETE_TOPIC ? 'delete' : 'upsert',
    externalId: customerId(customer),
    ...(topic === DELETE_TOPIC ? {} : { record: customer }),
    ...(occurredAt ? { occurredAt } : {}),
  };
  return [event];
}

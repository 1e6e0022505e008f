/**
 * Shopify webhook deliveries: the customer JSON (for `customers/delete`, the id stub Shopify
 * sends), signed with a base64 HMAC-SHA256 of the raw body keyed by the app's client secret,
 * with every header Shopify sets.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { deletedWire, toWire, type StoredCustomer } from './customer-store';

export type ShopifyWebhookTopic = 'customers/create' | 'customers/update' | 'customers/delete';

export interface SendWebhookOptions {
  /** The app's client secret the delivery is signed with. */
  secret: string;
  shopDomain?: string;
  apiVersion?: string;
  /** Reuse to simulate Shopify retrying one delivery (same id). */
  webhookId?: string;
  eventId?: string;
  /** Extra or overriding headers (e.g. a forged signature). */
  headers?: Record<string, string>;
}

export interface SentWebhook {
  status: number;
  body: string;
  webhookId: string;
  eventId: string;
  rawBody: string;
}

export async function sendShopifyWebhook(
  url: string,
  topic: ShopifyWebhookTopic,
  customer: StoredCustomer | number,
  options: SendWebhookOptions,
): Promise<SentWebhook> {
  const id = typeof customer === 'number' ? customer : customer.id;
  const payload =
    topic === 'customers/delete' || typeof customer === 'number'
      ? deletedWire(id)
      : toWire(customer);
  const rawBody = JSON.stringify(payload);
  const webhookId = options.webhookId ?? randomUUID();
  const eventId = options.eventId ?? randomUUID();
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Shopify-Captain-Hook',
      'x-shopify-topic': topic,
      'x-shopify-hmac-sha256': createHmac('sha256', options.secret)
        .update(rawBody)
        .digest('base64'),
      'x-shopify-shop-domain': options.shopDomain ?? 'syncline-test.myshopify.com',
      'x-shopify-api-version': options.apiVersion ?? '2024-10',
      'x-shopify-webhook-id': webhookId,
      'x-shopify-event-id': eventId,
      'x-shopify-triggered-at': new Date().toISOString(),
      ...options.headers,
    },
    body: rawBody,
  });
  return { status: response.status, body: await response.text(), webhookId, eventId, rawBody };
}

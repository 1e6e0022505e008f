/**
 * Webhooks registered on an audience (`POST /lists/{id}/webhooks`), and their deliveries:
 * Mailchimp checks the URL with a GET before saving, then POSTs each event whose type and
 * source (a contact, an admin in the app, or the API) the webhook asked for.
 */
import { randomBytes } from 'node:crypto';
import {
  sendMailchimpWebhook,
  validateMailchimpWebhookUrl,
  type MailchimpWebhookType,
  type WebhookData,
} from './send-webhook';

export type WebhookSource = 'user' | 'admin' | 'api';

export interface WebhookRegistration {
  id: string;
  listId: string;
  url: string;
  events: Record<MailchimpWebhookType, boolean>;
  sources: Record<WebhookSource, boolean>;
}

export interface WebhookDelivery {
  webhookId: string;
  url: string;
  type: MailchimpWebhookType;
  source: WebhookSource;
  rawBody?: string;
  /** The receiver's answer; undefined when it could not be reached. */
  status?: number;
  error?: string;
}

/** Defaults of a webhook created without `events` / `sources`. */
const DEFAULT_EVENTS: Record<MailchimpWebhookType, boolean> = {
  subscribe: true,
  unsubscribe: true,
  profile: true,
  cleaned: true,
  upemail: true,
  campaign: false,
};
const DEFAULT_SOURCES: Record<WebhookSource, boolean> = { user: true, admin: true, api: false };

export class WebhookRegistry {
  private readonly hooks = new Map<string, WebhookRegistration>();
  private readonly pending = new Set<Promise<void>>();
  readonly deliveries: WebhookDelivery[] = [];

  /** Saves the webhook if its URL answers the validation GET with 200; else the status seen. */
  async register(
    listId: string,
    input: {
      url: string;
      events?: Partial<Record<MailchimpWebhookType, boolean>>;
      sources?: Partial<Record<WebhookSource, boolean>>;
    },
  ): Promise<WebhookRegistration | { validationStatus: number | 'unreachable' }> {
    let status: number | 'unreachable';
    try {
      status = await validateMailchimpWebhookUrl(input.url);
    } catch {
      status = 'unreachable';
    }
    if (status !== 200) return { validationStatus: status };
    const hook: WebhookRegistration = {
      id: randomBytes(5).toString('hex'),
      listId,
      url: input.url,
      events: { ...DEFAULT_EVENTS, ...input.events },
      sources: { ...DEFAULT_SOURCES, ...input.sources },
    };
    this.hooks.set(hook.id, hook);
    return hook;
  }

  list(listId: string): WebhookRegistration[] {
    return [...this.hooks.values()].filter((hook) => hook.listId === listId);
  }

  get(id: string): WebhookRegistration | undefined {
    return this.hooks.get(id);
  }

  remove(id: string): boolean {
    return this.hooks.delete(id);
  }

  /** Queues a delivery to every matching webhook; `flush()` waits for them. */
  notify(
    listId: string,
    type: MailchimpWebhookType,
    data: WebhookData,
    source: WebhookSource,
  ): void {
    for (const hook of this.list(listId)) {
      if (!hook.events[type] || !hook.sources[source]) continue;
      const delivery: WebhookDelivery = { webhookId: hook.id, url: hook.url, type, source };
      this.deliveries.push(delivery);
      const sending = sendMailchimpWebhook(hook.url, type, data)
        .then((sent) => {
          delivery.status = sent.status;
          delivery.rawBody = sent.rawBody;
        })
        .catch((error: unknown) => {
          delivery.error = error instanceof Error ? error.message : String(error);
        })
        .finally(() => this.pending.delete(sending));
      this.pending.add(sending);
    }
  }

  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  clear(): void {
    this.hooks.clear();
    this.deliveries.length = 0;
  }
}

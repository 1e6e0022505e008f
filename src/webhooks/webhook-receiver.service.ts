import { Injectable } from '@nestjs/common';
import type { WebhookEvent, WebhookGetAnswer } from '../connector-sdk/connector.types';
import type { InboundWebhook } from './inbound-webhook';
import { WebhookAccountRouter } from './webhook-account-router';
import { WebhookConnection, WebhookConnections } from './webhook-connections';
import {
  MalformedWebhookError,
  WebhookConnectionNotFoundError,
  WebhookMediaTypeError,
  WebhookMethodNotAllowedError,
  WebhookSignatureError,
} from './webhook-errors';
import { WebhookInbox } from './webhook-inbox';
import type { WebhookJobData } from './webhook-job';

/**
 * The body encodings vendors deliver webhooks in (JSON; Mailchimp posts form fields), and the
 * ones whose raw bytes the HTTP layer keeps for signature checks. Whether the body suits the
 * connector is for its `parseWebhook` to say.
 */
export const WEBHOOK_MEDIA_TYPES = ['application/json', 'application/x-www-form-urlencoded'];
const ACCEPTED_MEDIA_TYPES = new Set(WEBHOOK_MEDIA_TYPES);

/** What the vendor is told once its delivery is safely queued. */
export interface WebhookReceipt {
  /** Events the delivery carried that Syncline handles. */
  received: number;
  /** Of those, events seen before (a vendor retry or a replay): not queued again. */
  duplicates: number;
}

/**
 * The inbound webhook path: find the connection, verify the vendor's signature over the raw
 * body, parse the events, and append them to the inbox. Acknowledged only once Redis holds
 * every event; mapping, fetching and the profile store run later in the worker.
 */
@Injectable()
export class WebhookReceiver {
  constructor(
    private readonly connections: WebhookConnections,
    private readonly inbox: WebhookInbox,
    private readonly router: WebhookAccountRouter,
  ) {}

  async receive(connectionId: string, request: InboundWebhook): Promise<WebhookReceipt> {
    const target = await this.target(connectionId);
    const { connector, opened } = target;
    if (!connector.verifyWebhook || !connector.parseWebhook) {
      throw new WebhookConnectionNotFoundError(
        `Connection ${connectionId} uses ${connector.manifest.name}, which does not receive webhooks`,
      );
    }
    if (!request.mediaType || !ACCEPTED_MEDIA_TYPES.has(request.mediaType)) {
      throw new WebhookMediaTypeError(request.headers['content-type']);
    }
    const verification = connector.verifyWebhook(request, {
      config: opened.connection.config,
      credentials: opened.credentials,
    });
    if (!verification.ok) throw new WebhookSignatureError(verification.reason);

    let events: WebhookEvent[];
    try {
      events = connector.parseWebhook(request, { config: opened.connection.config });
    } catch (error) {
      throw new MalformedWebhookError((error as Error).message);
    }
    if (events.length === 0) return { received: 0, duplicates: 0 };

    const receivedAt = new Date(request.receivedAt).toISOString();
    const routed = await this.router.route(target, request, events);
    const jobs = routed.flatMap(({ target: owner, events: owned }) =>
      owned.map((event): WebhookJobData => ({
        connectionId: owner.opened.connection.id,
        connector: connector.manifest.name,
        deliveryId: request.requestId,
        receivedAt,
        event,
      })),
    );
    if (jobs.length === 0) return { received: 0, duplicates: 0 };
    const { duplicates } = await this.inbox.append(jobs);
    return { received: jobs.length, duplicates };
  }

  /**
   * A GET on the webhook URL: vendors that check the URL before saving a webhook (Mailchimp)
   * get the connector's answer; for the others (HubSpot, Shopify) a GET is a mistake: 405.
   */
  async answerGet(connectionId: string, request: InboundWebhook): Promise<WebhookGetAnswer> {
    const { connector, opened } = await this.target(connectionId);
    if (!connector.answerWebhookGet) {
      throw new WebhookMethodNotAllowedError(
        `${connector.manifest.displayName} webhooks are POSTed to this URL; there is nothing to GET`,
      );
    }
    return connector.answerWebhookGet(request, {
      config: opened.connection.config,
      credentials: opened.credentials,
    });
  }

  private async target(connectionId: string): Promise<WebhookConnection> {
    const target = await this.connections.get(connectionId);
    // A push-only connection does not read from its tool, webhooks included. Disabled and
    // push-only look like unknown on purpose: the vendor learns nothing about our setup.
    if (!target?.opened.connection.enabled || target.opened.connection.direction === 'push') {
      throw new WebhookConnectionNotFoundError(
        `No connection taking webhooks has id ${connectionId}`,
      );
    }
    return target;
  }
}

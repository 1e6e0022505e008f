import { Injectable } from '@nestjs/common';
import type { JsonValue, WebhookEvent } from '../connector-sdk/connector.types';
import type { InboundWebhook } from './inbound-webhook';
import { WebhookConnection, WebhookConnections } from './webhook-connections';

/** Events of one delivery for one connection. */
export interface RoutedEvents {
  target: WebhookConnection;
  events: WebhookEvent[];
}

/**
 * Hands each event of a delivery to the connection bound to its vendor account
 * (`manifest.webhookAccountKey`, `WebhookEvent.account`). A public HubSpot app posts every
 * installing account's events to one URL, signed with one secret, so the connection whose URL
 * received the delivery is not necessarily the event's: fetched with its token, another
 * account's contact id would read as a deletion or ingest the wrong contact.
 *
 * - An event of the receiving connection's account, or with no account when that connection is
 *   not bound to one, stays with it.
 * - One of another account goes to the connection of the same connector bound to that account
 *   that takes webhooks and whose own credentials verify the delivery (the same app); the
 *   oldest such connection, if several are.
 * - Otherwise it stays with a receiving connection that is not bound (it takes every account's
 *   events, as before binding existed), and is ignored by a bound one.
 */
@Injectable()
export class WebhookAccountRouter {
  constructor(private readonly connections: WebhookConnections) {}

  async route(
    receiver: WebhookConnection,
    request: InboundWebhook,
    events: WebhookEvent[],
  ): Promise<RoutedEvents[]> {
    const key = receiver.connector.manifest.webhookAccountKey;
    if (!key) return [{ target: receiver, events }];
    const own = accountText(receiver.opened.connection.config[key]);
    const routed = new Map<string, RoutedEvents>();
    const add = (target: WebhookConnection, event: WebhookEvent) => {
      const id = target.opened.connection.id;
      const entry = routed.get(id);
      if (entry) entry.events.push(event);
      else routed.set(id, { target, events: [event] });
    };
    const owners = new Map<string, Promise<WebhookConnection | undefined>>();
    for (const event of events) {
      if (event.account === own || (event.account === undefined && own === undefined)) {
        add(receiver, event);
        continue;
      }
      if (event.account === undefined) continue;
      let owner = owners.get(event.account);
      if (!owner) {
        owner = this.ownerOf(receiver, request, key, event.account);
        owners.set(event.account, owner);
      }
      const target = (await owner) ?? (own === undefined ? receiver : undefined);
      if (target) add(target, event);
    }
    return [...routed.values()];
  }

  private async ownerOf(
    receiver: WebhookConnection,
    request: InboundWebhook,
    key: string,
    account: string,
  ): Promise<WebhookConnection | undefined> {
    const connector = receiver.connector.manifest.name;
    for (const id of await this.connections.boundTo(connector, key, account)) {
      const candidate = await this.connections.get(id);
      if (!candidate) continue;
      const { connection, credentials } = candidate.opened;
      if (!connection.enabled || connection.direction === 'push') continue;
      const verification = candidate.connector.verifyWebhook?.(request, {
        config: connection.config,
        credentials,
      });
      if (verification?.ok) return candidate;
    }
    return undefined;
  }
}

/** A config value as the account text events carry (`12345` and `"12345"` alike). */
function accountText(value: JsonValue | undefined): string | undefined {
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  return undefined;
}

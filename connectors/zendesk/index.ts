/**
 * Zendesk Support connector (users), both directions. Plain data plus functions; no NestJS.
 */
import { defineConnector } from '../../src/connector-sdk';
import { checkZendesk } from './check';
import { eraseUsers } from './erase';
import { fetchUsers } from './fetch';
import { zendeskHttp } from './http';
import { zendeskManifest } from './manifest';
import { mapUser } from './map-in';
import { parseZendeskWebhook } from './parse-webhook';
import { INCREMENTAL_MAX_PAGE_SIZE } from './paths';
import { readUsers } from './read';
import type { ZendeskConfig, ZendeskCredentials, ZendeskRecord } from './types';
import { verifyZendeskWebhook } from './webhook-signature';
import { writeUsers } from './write';

export interface ZendeskConnectorOptions {
  /** Incremental export page size (`per_page`). Zendesk: up to 1000; tests use small pages. */
  pageSize?: number;
}

export function createZendeskConnector(options: ZendeskConnectorOptions = {}) {
  const requested = Math.floor(options.pageSize ?? INCREMENTAL_MAX_PAGE_SIZE);
  const pageSize = Math.min(Math.max(requested, 1), INCREMENTAL_MAX_PAGE_SIZE);
  return defineConnector<ZendeskConfig, ZendeskCredentials, ZendeskRecord>({
    manifest: zendeskManifest,
    http: zendeskHttp,
    check: checkZendesk,
    read: (ctx, request) => readUsers(ctx, request, { pageSize }),
    fetch: fetchUsers,
    mapIn: mapUser,
    write: writeUsers,
    erase: eraseUsers,
    verifyWebhook: verifyZendeskWebhook,
    parseWebhook: parseZendeskWebhook,
  });
}

export const connector = createZendeskConnector();
export default connector;
export { composeName, mapOut } from './map-out';
export { zendeskSignature } from './webhook-signature';
export type {
  ZendeskConfig,
  ZendeskCredentials,
  ZendeskRecord,
  ZendeskUser,
  ZendeskUserLeftOut,
} from './types';
export type { ZendeskWebhookEvent } from './webhook-types';

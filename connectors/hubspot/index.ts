/**
 * HubSpot CRM connector (contacts v3), both directions. Plain data plus functions; no NestJS.
 */
import { defineConnector } from '../../src/connector-sdk';
import { checkHubspot } from './check';
import { eraseContacts } from './erase';
import { fetchContacts } from './fetch';
import { hubspotHttp } from './http';
import { hubspotManifest } from './manifest';
import { mapContact } from './map-in';
import { parseHubspotWebhook } from './parse-webhook';
import { readContacts } from './read';
import type { SearchLimits } from './read-search';
import type { HubspotConfig, HubspotContact, HubspotCredentials } from './types';
import { verifyHubspotWebhook } from './webhook-signature';
import { writeContacts } from './write';

export interface HubspotConnectorOptions {
  /** Results one search query can page through. HubSpot: 10,000; tests use a small value. */
  searchResultCap?: number;
  /** Search page size. HubSpot's maximum is 200. */
  searchPageSize?: number;
}

export function createHubspotConnector(options: HubspotConnectorOptions = {}) {
  const limits: SearchLimits = {
    resultCap: options.searchResultCap ?? 10_000,
    pageSize: options.searchPageSize ?? 200,
  };
  return defineConnector<HubspotConfig, HubspotCredentials, HubspotContact>({
    manifest: hubspotManifest,
    http: hubspotHttp,
    check: checkHubspot,
    read: (ctx, request) => readContacts(ctx, request, limits),
    fetch: fetchContacts,
    mapIn: mapContact,
    write: writeContacts,
    erase: eraseContacts,
    verifyWebhook: verifyHubspotWebhook,
    parseWebhook: parseHubspotWebhook,
  });
}

export const connector = createHubspotConnector();
export default connector;
export { mapOut } from './map-out';
export { hubspotSignatureV1, hubspotSignatureV3 } from './webhook-signature';
export type { HubspotConfig, HubspotContact, HubspotCredentials } from './types';
export type { HubspotWebhookEvent } from './webhook-types';

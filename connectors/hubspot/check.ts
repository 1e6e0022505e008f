import type { CheckResult, ConnectorContext } from '../../src/connector-sdk';
import { ACCOUNT_DETAILS_PATH, CONTACTS_PATH } from './properties';
import type { HubspotAccountDetails, HubspotConfig, HubspotCredentials } from './types';

const CONNECTED: CheckResult = { ok: true, message: 'Connected to HubSpot' };

/**
 * One cheap authenticated call that also proves the contacts read scope; with `portalId`
 * configured, a second one that proves the token is that account's. A token of another
 * account would read and write the wrong CRM, and every webhook event of the configured
 * account would be fetched from the wrong one.
 */
export async function checkHubspot(
  ctx: ConnectorContext<HubspotConfig, HubspotCredentials>,
): Promise<CheckResult> {
  const response = await ctx.http.request({
    path: CONTACTS_PATH,
    query: { limit: 1, archived: false },
    acceptStatuses: [401, 403],
  });
  if (response.status === 401) {
    return { ok: false, message: 'HubSpot rejected the access token' };
  }
  if (response.status === 403) {
    return {
      ok: false,
      message: 'The access token is valid but lacks the crm.objects.contacts.read scope',
    };
  }
  const { portalId } = ctx.config;
  return portalId === undefined ? CONNECTED : checkPortal(ctx, portalId);
}

async function checkPortal(
  ctx: ConnectorContext<HubspotConfig, HubspotCredentials>,
  portalId: number,
): Promise<CheckResult> {
  const account = await ctx.http.request<HubspotAccountDetails>({
    path: ACCOUNT_DETAILS_PATH,
    acceptStatuses: [401, 403],
  });
  if (account.status >= 400) {
    return unconfirmed(
      portalId,
      `HubSpot refused GET ${ACCOUNT_DETAILS_PATH} (HTTP ${account.status})`,
    );
  }
  const tokenPortalId = account.data?.portalId;
  if (typeof tokenPortalId !== 'number') {
    return unconfirmed(portalId, `HubSpot's account details carry no portalId`);
  }
  if (tokenPortalId !== portalId) {
    return {
      ok: false,
      message: `The access token belongs to HubSpot portal ${tokenPortalId}, not to the configured portalId ${portalId}`,
      details: { portalId, tokenPortalId },
    };
  }
  return { ...CONNECTED, details: { portalId } };
}

function unconfirmed(portalId: number, why: string): CheckResult {
  return { ok: false, message: `Cannot confirm the configured portalId ${portalId}: ${why}` };
}

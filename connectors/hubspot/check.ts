import type { CheckResult, ConnectorContext } from '../../src/connector-sdk';
import { CONTACTS_PATH } from './properties';
import type { HubspotConfig, HubspotCredentials } from './types';

/** One cheap authenticated call that also proves the contacts read scope. */
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
  return { ok: true, message: 'Connected to HubSpot' };
}

import type { CheckResult, ConnectorContext } from '../../src/connector-sdk';
import { ME_PATH } from './paths';
import type { ZendeskConfig, ZendeskCredentials, ZendeskUserResponse } from './types';

/**
 * `GET /users/me.json` proves the token, and says whose it is. Zendesk answers it even without
 * credentials (as the anonymous user, id null), so a 200 alone proves nothing. The incremental
 * export is admin-only, so anyone else fails the check rather than every sync.
 */
export async function checkZendesk(
  ctx: ConnectorContext<ZendeskConfig, ZendeskCredentials>,
): Promise<CheckResult> {
  const response = await ctx.http.request<Partial<ZendeskUserResponse>>({
    path: ME_PATH,
    acceptStatuses: [401, 403, 404],
  });
  if (response.status === 401) {
    return { ok: false, message: 'Zendesk rejected the email and API token' };
  }
  if (response.status === 403) {
    return {
      ok: false,
      message:
        'Zendesk refused the API token: is token access enabled (Admin Center → Apps and integrations → Zendesk API)?',
    };
  }
  if (response.status === 404) {
    return { ok: false, message: 'No Zendesk account at this address' };
  }
  const user = response.data.user;
  if (!user || user.id === null || user.id === undefined) {
    return { ok: false, message: 'Zendesk treated the request as anonymous' };
  }
  const details = { userId: String(user.id), role: String(user.role ?? 'unknown') };
  if (user.role !== 'admin') {
    return {
      ok: false,
      message: `The API token acts as a Zendesk ${user.role ?? 'user'}; reading users needs an admin`,
      details,
    };
  }
  return { ok: true, message: 'Connected to Zendesk', details };
}

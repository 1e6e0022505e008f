import type { ConnectorContext } from '../../src/connector-sdk';
import { SHOW_MANY_MAX_IDS, SHOW_MANY_USERS_PATH } from './paths';
import type { ZendeskConfig, ZendeskCredentials, ZendeskUser, ZendeskUsersResponse } from './types';

/**
 * Full users by id, for webhook events that carry only the id and a few fields. Ids Zendesk
 * does not return (deleted, or not numeric) are left out of the result.
 */
export async function fetchUsers(
  ctx: ConnectorContext<ZendeskConfig, ZendeskCredentials>,
  ids: string[],
): Promise<ZendeskUser[]> {
  const unique = [...new Set(ids.filter((id) => /^\d+$/.test(id)))];
  const users: ZendeskUser[] = [];
  for (let i = 0; i < unique.length; i += SHOW_MANY_MAX_IDS) {
    const { data } = await ctx.http.request<ZendeskUsersResponse>({
      path: SHOW_MANY_USERS_PATH,
      query: { ids: unique.slice(i, i + SHOW_MANY_MAX_IDS).join(',') },
    });
    users.push(...(data.users ?? []));
  }
  return users;
}

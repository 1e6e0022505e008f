import type { ConnectorContext } from '../../src/connector-sdk';
import { SHOW_MANY_MAX_IDS, SHOW_MANY_USERS_PATH } from './paths';
import { scopeUser } from './scope';
import type {
  ZendeskConfig,
  ZendeskCredentials,
  ZendeskRecord,
  ZendeskUsersResponse,
} from './types';

/**
 * Full users by id, for webhook events that carry only the id and a few fields. Ids Zendesk
 * does not return (deleted, or not numeric) are left out of the result. Users the connection
 * leaves out (staff, see scope.ts) come as left-out records, so the source Syncline holds of
 * one promoted since is removed.
 */
export async function fetchUsers(
  ctx: ConnectorContext<ZendeskConfig, ZendeskCredentials>,
  ids: string[],
): Promise<ZendeskRecord[]> {
  const unique = [...new Set(ids.filter((id) => /^\d+$/.test(id)))];
  const users: ZendeskRecord[] = [];
  for (let i = 0; i < unique.length; i += SHOW_MANY_MAX_IDS) {
    const { data } = await ctx.http.request<ZendeskUsersResponse>({
      path: SHOW_MANY_USERS_PATH,
      query: { ids: unique.slice(i, i + SHOW_MANY_MAX_IDS).join(',') },
    });
    users.push(...(data.users ?? []).map((user) => scopeUser(user, ctx.config)));
  }
  return users;
}

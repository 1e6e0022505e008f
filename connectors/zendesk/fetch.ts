import type { ConnectorContext } from '../../src/connector-sdk';
import { showUsers } from './lookup';
import { scopeUser } from './scope';
import type { ZendeskConfig, ZendeskCredentials, ZendeskRecord } from './types';

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
  return (await showUsers(ctx, ids)).map((user) => scopeUser(user, ctx.config));
}

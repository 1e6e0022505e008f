import type { ConnectorContext } from '../../src/connector-sdk';
import {
  SEARCH_USERS_PATH,
  SHOW_MANY_MAX_IDS,
  SHOW_MANY_USERS_PATH,
  userIdentitiesPath,
} from './paths';
import type {
  ZendeskConfig,
  ZendeskCredentials,
  ZendeskIdentitiesResponse,
  ZendeskIdentity,
  ZendeskUser,
  ZendeskUsersResponse,
} from './types';

type Ctx = ConnectorContext<ZendeskConfig, ZendeskCredentials>;

/**
 * Users by Zendesk id through `show_many`, 100 ids a call. Ids Zendesk does not return
 * (deleted: it lists them only with `include_deleted`; unknown; not numeric) are left out.
 */
export async function showUsers(ctx: Ctx, ids: string[]): Promise<ZendeskUser[]> {
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

/**
 * `GET /users/search.json?query=email:…`: the users Zendesk finds for the address, whichever
 * of their email identities holds it. Search matches loosely: compare addresses before
 * taking a result for the person.
 */
export async function searchUsersByEmail(ctx: Ctx, email: string): Promise<ZendeskUser[]> {
  const { data } = await ctx.http.request<ZendeskUsersResponse>({
    path: SEARCH_USERS_PATH,
    query: { query: `email:${email.trim()}` },
  });
  return data.users ?? [];
}

/** `GET /users/search.json?external_id=…`: an exact id, not the search syntax. */
export async function searchUsersByExternalId(
  ctx: Ctx,
  externalId: string,
): Promise<ZendeskUser[]> {
  const { data } = await ctx.http.request<ZendeskUsersResponse>({
    path: SEARCH_USERS_PATH,
    query: { external_id: externalId },
  });
  return data.users ?? [];
}

/** The user's email identities; undefined when the user no longer exists. */
export async function emailIdentities(
  ctx: Ctx,
  userId: string,
): Promise<ZendeskIdentity[] | undefined> {
  const listed = await ctx.http.request<ZendeskIdentitiesResponse>({
    path: userIdentitiesPath(userId),
    acceptStatuses: [404],
  });
  if (listed.status === 404) return undefined;
  return (listed.data.identities ?? []).filter((identity) => identity.type === 'email');
}

/** Zendesk compares emails and external ids case-insensitively. */
export function sameAddress(held: string | null | undefined, wanted: string): boolean {
  return typeof held === 'string' && held.trim().toLowerCase() === wanted.trim().toLowerCase();
}

import type { ConnectorContext } from '../../src/connector-sdk';
import { describeZendeskError } from './errors';
import { emailIdentities, sameAddress } from './lookup';
import { makePrimaryIdentityPath, userIdentitiesPath, userIdentityPath } from './paths';
import type {
  ZendeskConfig,
  ZendeskCredentials,
  ZendeskIdentity,
  ZendeskIdentityResponse,
} from './types';

type Ctx = ConnectorContext<ZendeskConfig, ZendeskCredentials>;

/** Answers that refuse this change; anything else (401, 429, 5xx) fails the call. */
const REJECTIONS = [400, 403, 404, 422];

export type PrimaryEmailOutcome = { ok: true } | { gone: true } | { error: string };

/**
 * Makes `email` the user's primary email. A user update cannot: Zendesk documents `email` as
 * "writeable on create only. On update, a secondary email is added", so the primary stays the
 * old address (and the next read would bring it back as the person's email). The primary is
 * changed through the user's identities, as Zendesk advises:
 *
 * - the address is already one of the user's identities: that identity is made primary;
 * - else the primary email identity takes the new address (Update Identity);
 * - else (the user has no email) the address is added, which makes it the primary.
 *
 * `gone` when the user no longer exists (404 on the identities).
 */
export async function setPrimaryEmail(
  ctx: Ctx,
  userId: string,
  email: string,
): Promise<PrimaryEmailOutcome> {
  const emails = await emailIdentities(ctx, userId);
  if (!emails) return { gone: true };
  const same = emails.find((identity) => sameAddress(identity.value, email));
  if (same?.primary) return { ok: true };
  if (same) return answer(await makePrimary(ctx, userId, same));

  const primary = emails.find((identity) => identity.primary);
  if (primary) {
    return answer(
      await ctx.http.request<ZendeskIdentityResponse>({
        method: 'PUT',
        path: userIdentityPath(userId, String(primary.id)),
        body: { identity: { value: email } },
        acceptStatuses: REJECTIONS,
      }),
    );
  }
  const added = await ctx.http.request<ZendeskIdentityResponse>({
    method: 'POST',
    path: userIdentitiesPath(userId),
    body: { identity: { type: 'email', value: email } },
    acceptStatuses: REJECTIONS,
  });
  if (added.status >= 300 || added.data.identity?.primary !== false) return answer(added);
  return answer(await makePrimary(ctx, userId, added.data.identity));
}

function makePrimary(ctx: Ctx, userId: string, identity: ZendeskIdentity) {
  return ctx.http.request({
    method: 'PUT',
    path: makePrimaryIdentityPath(userId, String(identity.id)),
    acceptStatuses: REJECTIONS,
  });
}

function answer(response: { status: number; data: unknown }): PrimaryEmailOutcome {
  if (response.status < 300) return { ok: true };
  if (response.status === 404) return { gone: true };
  return { error: describeZendeskError(response.status, response.data) };
}

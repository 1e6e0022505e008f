import {
  mapLimited,
  type ConnectorContext,
  type EraseItem,
  type WriteResult,
} from '../../src/connector-sdk';
import { describeZendeskError } from './errors';
import { searchUsersByEmail, sameAddress } from './lookup';
import { deletedUserPath, SHOW_MANY_USERS_PATH, userPath } from './paths';
import type {
  ZendeskConfig,
  ZendeskCredentials,
  ZendeskUser,
  ZendeskUserResponse,
  ZendeskUsersResponse,
} from './types';

const ERASE_CONCURRENCY = 3;
const REJECTIONS = [400, 403, 404, 422];

type Ctx = ConnectorContext<ZendeskConfig, ZendeskCredentials>;
type Found = { user: ZendeskUser } | { gone: true; id?: string } | { failed: WriteResult };

/**
 * Erasure as Zendesk documents it for GDPR: `DELETE /users/{id}.json` (a soft delete, the user
 * stays restorable-looking in "deleted users") and then `DELETE /deleted_users/{id}.json`,
 * which permanently removes their personal data. Both steps are idempotent here: a 404 on
 * either means that step was already done, so a retried erase completes.
 *
 * Only end users are deleted. The export also returns agents and admins, so a profile can be
 * linked to a staff account; deleting that would remove a seat and reassign its tickets, which
 * must be a deliberate act in Zendesk: the item fails with the reason instead.
 */
export async function eraseUsers(ctx: Ctx, batch: EraseItem[]): Promise<WriteResult[]> {
  return mapLimited(batch, ERASE_CONCURRENCY, (item) => eraseUser(ctx, item));
}

async function eraseUser(ctx: Ctx, item: EraseItem): Promise<WriteResult> {
  const found = await findUser(ctx, item);
  if ('failed' in found) return found.failed;
  if ('gone' in found) {
    // Perhaps only soft-deleted (by someone in Zendesk, or by an erase cut short): finish it.
    if (found.id) {
      const purge = await remove(ctx, deletedUserPath(found.id));
      if (purge) return failure(item, purge);
    }
    return { profileId: item.profileId, ok: true, ...(found.id ? { externalId: found.id } : {}) };
  }
  const id = String(found.user.id);
  if (found.user.role && found.user.role !== 'end-user') {
    return failure(
      item,
      `Zendesk user ${id} is an ${found.user.role}; remove them as staff in Zendesk first`,
      id,
    );
  }
  const soft = await remove(ctx, userPath(id));
  if (soft) return failure(item, soft, id);
  const purge = await remove(ctx, deletedUserPath(id));
  if (purge) return failure(item, purge, id);
  return { profileId: item.profileId, ok: true, externalId: id };
}

/**
 * By the Zendesk id when known; else by `external_id` = the profile id (users we created
 * without an email); else by the email last written or read.
 */
async function findUser(ctx: Ctx, item: EraseItem): Promise<Found> {
  if (item.externalId && /^\d+$/.test(item.externalId)) {
    const response = await ctx.http.request<ZendeskUserResponse>({
      path: userPath(item.externalId),
      acceptStatuses: REJECTIONS,
    });
    if (response.status === 404) return { gone: true, id: item.externalId };
    if (response.status !== 200) {
      return { failed: failure(item, describeZendeskError(response.status, response.data)) };
    }
    return { user: response.data.user };
  }
  const byExternalId = await ctx.http.request<ZendeskUsersResponse>({
    path: SHOW_MANY_USERS_PATH,
    query: { external_ids: item.profileId },
  });
  const linked = byExternalId.data.users?.[0];
  if (linked) return { user: linked };
  const email = typeof item.fields.email === 'string' ? item.fields.email.trim() : '';
  if (!email) return { gone: true };
  // Search matches loosely; only the exact address identifies the person.
  const match = (await searchUsersByEmail(ctx, email)).find((user) =>
    sameAddress(user.email, email),
  );
  return match ? { user: match } : { gone: true };
}

/** Undefined when done (or already done: 404); else Zendesk's reason. */
async function remove(ctx: Ctx, path: string): Promise<string | undefined> {
  const response = await ctx.http.request({ method: 'DELETE', path, acceptStatuses: REJECTIONS });
  if (response.status < 300 || response.status === 404) return undefined;
  return describeZendeskError(response.status, response.data);
}

function failure(item: EraseItem, error: string, externalId?: string): WriteResult {
  return {
    profileId: item.profileId,
    ok: false,
    retryable: false,
    error,
    ...(externalId ? { externalId } : {}),
  };
}

import {
  mapLimited,
  type ConnectorContext,
  type HttpResponse,
  type JsonValue,
  type WriteItem,
  type WriteResult,
} from '../../src/connector-sdk';
import { describeZendeskError, rejectsField } from './errors';
import { mapOut, type ZendeskUserBody } from './map-out';
import { CREATE_OR_UPDATE_USER_PATH, userPath } from './paths';
import { setPrimaryEmail } from './primary-email';
import type { ZendeskConfig, ZendeskCredentials, ZendeskUserResponse } from './types';

/** Requests in flight per call; the connection's shared budget still paces them. */
const WRITE_CONCURRENCY = 5;
/** Answers that reject this one user; anything else (401, 429, 5xx) fails the call. */
const REJECTIONS = [400, 403, 404, 409, 422];

type Ctx = ConnectorContext<ZendeskConfig, ZendeskCredentials>;

/**
 * One synchronous request per user, rather than `create_or_update_many`:
 *
 * - the bulk endpoint is off by default (Zendesk enables "data imports" on request; until
 *   then it answers 403 for every call), and it is asynchronous: a `job_status` to poll,
 *   seconds of queueing, at most 30 jobs queued per account. A change would reach the
 *   helpdesk seconds later, and the per-item outcome only after polling;
 * - one request per user gives each its own status (201 created, 200 updated, 422 for an
 *   invalid email) and its id at once, which is what the contract reports per item.
 *
 * A known user (the Zendesk id, from a read, a webhook or our last write) is updated by id
 * with `PUT /users/{id}.json`, sending only the changed fields. This never matches the wrong
 * person and keeps the user's own `external_id` (often their SSO identity). A changed email
 * goes through the user's identities instead (see primary-email.ts): a user update would only
 * add it as a secondary address. A staff member's email (their sign-in) is not changed: that
 * item fails with the reason, as an erase of staff does.
 *
 * An unknown one goes to `POST /users/create_or_update.json` with every mapped field. Zendesk
 * matches on `external_id` or email, and updates the user it matches with what it is given:
 * with an email, that email is the match, so a retried create (after a crash or a 429) lands
 * on the same user, and no `external_id` is sent, since it would replace the one an existing
 * user already has (their SSO or CRM id). Without an email, `external_id` = the profile id is
 * what lets a retried create find the user it made.
 */
export async function writeUsers(ctx: Ctx, batch: WriteItem[]): Promise<WriteResult[]> {
  return mapLimited(batch, WRITE_CONCURRENCY, (item) => writeUser(ctx, item));
}

async function writeUser(ctx: Ctx, item: WriteItem): Promise<WriteResult> {
  if (item.externalId && /^\d+$/.test(item.externalId)) {
    const updated = await updateUser(ctx, item, item.externalId);
    if (updated) return updated;
    // Gone from Zendesk (deleted there): the profile still pushes here, so it is created again.
    ctx.logger.info('Zendesk user no longer exists; creating it again', {
      userId: item.externalId,
    });
  }
  return upsertUser(ctx, item);
}

/** The changed fields of user `id`; undefined when Zendesk no longer has the user. */
async function updateUser(ctx: Ctx, item: WriteItem, id: string): Promise<WriteResult | undefined> {
  const values = { ...item.fields, ...item.changed };
  const { email, ...user } = mapOut(values, { keys: Object.keys(item.changed), clear: true });
  let role: string | undefined;
  if (Object.keys(user).length > 0) {
    const response = await ctx.http.request<ZendeskUserResponse>({
      method: 'PUT',
      path: userPath(id),
      body: { user },
      acceptStatuses: REJECTIONS,
    });
    if (response.status === 404) return undefined;
    const result = outcome(item, response);
    if (!result.ok) return result;
    role = response.data.user.role;
  }
  if (typeof email === 'string') {
    if (role === undefined) {
      const shown = await ctx.http.request<ZendeskUserResponse>({
        path: userPath(id),
        acceptStatuses: [404],
      });
      if (shown.status === 404 || shown.data.user?.active === false) return undefined;
      role = shown.data.user?.role;
    }
    // A staff member's primary email is their sign-in: changing it is for Zendesk's admins.
    if (role && role !== 'end-user') {
      return {
        profileId: item.profileId,
        ok: false,
        retryable: false,
        error: `Zendesk user ${id} is an ${role}; their email is changed in Zendesk, not by Syncline`,
      };
    }
    const primary = await setPrimaryEmail(ctx, id, email);
    if ('gone' in primary) return undefined;
    if ('error' in primary) {
      return { profileId: item.profileId, ok: false, retryable: false, error: primary.error };
    }
  }
  return { profileId: item.profileId, ok: true, externalId: id };
}

async function upsertUser(ctx: Ctx, item: WriteItem): Promise<WriteResult> {
  const mapped = mapOut(item.fields, { clear: false });
  const user: ZendeskUserBody = {
    ...mapped,
    ...(typeof mapped.email === 'string' ? {} : { external_id: item.profileId }),
    // Otherwise Zendesk emails every synced customer a verification/welcome message.
    skip_verify_email: true,
  };
  const first = await postUpsert(ctx, user);
  // Zendesk requires a name to create a user. Sending a stand-in up front would overwrite
  // the real name of an existing user the upsert matches, so it is only sent when asked for.
  if (first.status === 422 && user.name === undefined && rejectsField(first.data, 'name')) {
    return outcome(item, await postUpsert(ctx, { ...user, name: standInName(item) }));
  }
  return outcome(item, first);
}

function postUpsert(ctx: Ctx, user: ZendeskUserBody): Promise<HttpResponse<ZendeskUserResponse>> {
  return ctx.http.request<ZendeskUserResponse>({
    method: 'POST',
    path: CREATE_OR_UPDATE_USER_PATH,
    body: { user },
    acceptStatuses: REJECTIONS,
  });
}

function outcome(item: WriteItem, response: HttpResponse<ZendeskUserResponse>): WriteResult {
  if (response.status >= 200 && response.status < 300 && response.data?.user?.id !== undefined) {
    return { profileId: item.profileId, ok: true, externalId: String(response.data.user.id) };
  }
  return {
    profileId: item.profileId,
    ok: false,
    retryable: false,
    error: describeZendeskError(response.status, response.data),
  };
}

/** The email, else the phone, else the profile id: each is read back as "no name" (map-in). */
function standInName(item: WriteItem): string {
  const candidates: (JsonValue | undefined)[] = [item.fields.email, item.fields.phone];
  for (const value of candidates) {
    if (typeof value === 'string' && value.trim()) return value.trim();
  }
  return item.profileId;
}

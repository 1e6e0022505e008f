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
import { showUsers } from './lookup';
import { CREATE_OR_UPDATE_USER_PATH, userPath } from './paths';
import { setPrimaryEmail } from './primary-email';
import { END_USER_ROLE } from './scope';
import { guardsStaff, refuseStaff, refuseUpsertOntoStaff } from './staff-guard';
import type { ZendeskConfig, ZendeskCredentials, ZendeskUser, ZendeskUserResponse } from './types';

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
 *
 * Staff (agents and admins) are not written to unless `config.includeStaff` (staff-guard.ts):
 * a profile pushed to an end-user later made an agent, or one whose email an agent holds (the
 * owner shops in the store too), fails with the reason instead of filling a staff account
 * with customer data. Before the requests that would write, the users a batch updates are
 * looked up together (one `show_many`, which also tells who was deleted), and each create
 * searches for the user `create_or_update` would match.
 */
export async function writeUsers(ctx: Ctx, batch: WriteItem[]): Promise<WriteResult[]> {
  const updates = new Map<WriteItem, UserChanges>();
  for (const item of batch) {
    const id = knownUserId(item);
    const changes = id ? userChanges(item) : undefined;
    if (changes) updates.set(item, changes);
  }
  const current = guardsStaff(ctx.config)
    ? await currentUsers(
        ctx,
        [...updates.keys()].map((item) => knownUserId(item)!),
      )
    : undefined;
  return mapLimited(batch, WRITE_CONCURRENCY, (item) =>
    writeUser(ctx, item, updates.get(item), current),
  );
}

/** What an update sends: the changed user fields, and the email when it changed. */
type UserChanges = { user: ZendeskUserBody; email?: JsonValue };

/**
 * The users to update, by id, as Zendesk holds them now: their role decides whether they may
 * be written. Deleted users are not listed.
 */
async function currentUsers(ctx: Ctx, ids: string[]): Promise<Map<string, ZendeskUser>> {
  if (ids.length === 0) return new Map();
  const users = await showUsers(ctx, ids);
  return new Map(users.filter((user) => user.active !== false).map((u) => [String(u.id), u]));
}

async function writeUser(
  ctx: Ctx,
  item: WriteItem,
  changes: UserChanges | undefined,
  current: Map<string, ZendeskUser> | undefined,
): Promise<WriteResult> {
  const id = knownUserId(item);
  if (id) {
    if (!changes) return { profileId: item.profileId, ok: true, externalId: id };
    const before = current?.get(id);
    const refused = before && refuseStaff(before, ctx.config);
    if (refused) return rejected(item, refused);
    // Not listed: deleted since, as a 404 on the update would have said.
    const gone = current !== undefined && before === undefined;
    const updated = gone ? undefined : await updateUser(ctx, item, id, changes, before);
    if (updated) return updated;
    // Gone from Zendesk (deleted there): the profile still pushes here, so it is created again.
    ctx.logger.info('Zendesk user no longer exists; creating it again', { userId: id });
  }
  return upsertUser(ctx, item);
}

function knownUserId(item: WriteItem): string | undefined {
  return item.externalId && /^\d+$/.test(item.externalId) ? item.externalId : undefined;
}

/** Undefined when none of the changed fields is sent to Zendesk. */
function userChanges(item: WriteItem): UserChanges | undefined {
  const values = { ...item.fields, ...item.changed };
  const { email, ...user } = mapOut(values, { keys: Object.keys(item.changed), clear: true });
  if (Object.keys(user).length === 0 && typeof email !== 'string') return undefined;
  return { user, email };
}

/**
 * Sends `changes` to user `id`; undefined when Zendesk no longer has the user. `before` is the
 * user as looked up for the batch, when it was.
 */
async function updateUser(
  ctx: Ctx,
  item: WriteItem,
  id: string,
  { user, email }: UserChanges,
  before: ZendeskUser | undefined,
): Promise<WriteResult | undefined> {
  let role = before?.role;
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
    if (role && role !== END_USER_ROLE) {
      return rejected(
        item,
        `Zendesk user ${id} is an ${role}; their email is changed in Zendesk, not by Syncline`,
      );
    }
    const primary = await setPrimaryEmail(ctx, id, email);
    if ('gone' in primary) return undefined;
    if ('error' in primary) return rejected(item, primary.error);
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
  if (guardsStaff(ctx.config)) {
    const refused = await refuseUpsertOntoStaff(ctx, user);
    if (refused) return rejected(item, refused);
  }
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
  return rejected(item, describeZendeskError(response.status, response.data));
}

function rejected(item: WriteItem, error: string): WriteResult {
  return { profileId: item.profileId, ok: false, retryable: false, error };
}

/** The email, else the phone, else the profile id: each is read back as "no name" (map-in). */
function standInName(item: WriteItem): string {
  const candidates: (JsonValue | undefined)[] = [item.fields.email, item.fields.phone];
  for (const value of candidates) {
    if (typeof value === 'string' && value.trim()) return value.trim();
  }
  return item.profileId;
}

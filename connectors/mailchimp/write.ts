import {
  mapLimited,
  type ConnectorContext,
  type JsonValue,
  type WriteItem,
  type WriteResult,
} from '../../src/connector-sdk';
import { emailOf } from './email-field';
import { mapOut, memberStatus, type MemberBody } from './map-out';
import { TAGS_FIELD, tagChanges, writeTags } from './member-tags';
import { memberPath } from './paths';
import { describeProblem } from './problem';
import { subscriberHash } from './subscriber-hash';
import type { MailchimpConfig, MailchimpCredentials, MailchimpMember } from './types';

/**
 * Members of one call written at once. Mailchimp allows 10 simultaneous connections per
 * user, shared with every other app on the account and with our own reads.
 */
export const WRITE_CONCURRENCY = 4;

/**
 * Mailchimp's answer about the member itself (invalid or fake address, forgotten address,
 * compliance state, invalid merge field): that member fails, the rest go on. 401/403 (key),
 * 404 (audience) and 429/5xx after retries are about the whole call, which throws.
 */
const MEMBER_REJECTED = [400];

/**
 * One `PUT /lists/{id}/members/{subscriber_hash}` per member: an idempotent upsert, so a
 * call the runtime retries after a partial failure rewrites the same values. The batch
 * endpoint (`POST /lists/{id}`, up to 500 members) is not used: its per-member fields are
 * documented inconsistently (`status_if_new` is missing from parts of the reference), and a
 * `status` applied to existing members would overwrite their consent.
 */
export function writeMembers(
  ctx: ConnectorContext<MailchimpConfig, MailchimpCredentials>,
  batch: WriteItem[],
): Promise<WriteResult[]> {
  return mapLimited(batch, WRITE_CONCURRENCY, (item) => writeMember(ctx, item));
}

async function writeMember(
  ctx: ConnectorContext<MailchimpConfig, MailchimpCredentials>,
  item: WriteItem,
): Promise<WriteResult> {
  const email = emailOf(item.fields);
  if (!email) {
    return {
      profileId: item.profileId,
      ok: false,
      retryable: false,
      error: 'The profile has no email address, and Mailchimp members are keyed by theirs',
    };
  }
  const current = subscriberHash(email);
  const target = targetHash(item, email);
  let response = await put(ctx, target, upsertBody(item, email, ctx.config));
  if (target !== current && MEMBER_REJECTED.includes(response.status)) {
    // The rename was refused (the old member is gone, or the new address is already a
    // member): upsert under the new address instead, so the profile is not stuck on it.
    response = await put(ctx, current, upsertBody(item, email, ctx.config));
  }
  if (MEMBER_REJECTED.includes(response.status)) {
    return {
      profileId: item.profileId,
      ok: false,
      retryable: false,
      error: describeProblem(response.status, response.data),
    };
  }
  const externalId = response.data.id ?? current;
  const tags = tagChanges(item);
  if (tags.length > 0) {
    const tagged = await writeTags(ctx, externalId, tags, MEMBER_REJECTED);
    if (MEMBER_REJECTED.includes(tagged.status)) {
      // The member itself was written. Failing it keeps its push state as it was, so a replay
      // sends the member again (an idempotent upsert) and then the tags.
      return {
        profileId: item.profileId,
        ok: false,
        retryable: false,
        error: `Tags refused: ${describeProblem(tagged.status, tagged.data)}`,
      };
    }
  }
  return { profileId: item.profileId, ok: true, externalId };
}

function put(
  ctx: ConnectorContext<MailchimpConfig, MailchimpCredentials>,
  hash: string,
  body: MemberBody,
) {
  return ctx.http.request<MailchimpMember>({
    method: 'PUT',
    path: memberPath(ctx.config.listId, hash),
    body,
    acceptStatuses: MEMBER_REJECTED,
  });
}

/**
 * The member to PUT: the hash of the current address, except when the address itself
 * changed, where the member still sits under its old hash (our `externalId`) and the PUT
 * with the new `email_address` renames it.
 */
export function targetHash(item: WriteItem, email: string): string {
  const current = subscriberHash(email);
  if (item.externalId && item.externalId !== current && 'email_address' in item.changed) {
    return item.externalId;
  }
  return current;
}

/**
 * A member we do not know yet (no `externalId`) gets every mapped field; a known one only
 * what changed. `email_address` and `status_if_new` go on every request, since either may
 * create the member (it may have been deleted in Mailchimp since).
 *
 * `status` is sent only for a known member whose consent changed here. For anyone else the
 * canonical consent applies through `status_if_new`, i.e. only if Mailchimp creates them:
 * Syncline must not overwrite the consent of a subscriber it has never seen.
 */
export function upsertBody(item: WriteItem, email: string, config: MailchimpConfig): MemberBody {
  const source = item.externalId ? item.changed : item.fields;
  const fields: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(source)) {
    if (key !== 'status' && key !== 'email_address' && key !== TAGS_FIELD) fields[key] = value;
  }
  const body = mapOut(fields);
  body.email_address = email;
  body.status_if_new =
    memberStatus(item.fields.status) ?? memberStatus(config.statusIfNew) ?? 'transactional';
  const status = item.externalId ? memberStatus(item.changed.status) : undefined;
  if (status) body.status = status;
  return body;
}

import {
  mapLimited,
  type ConnectorContext,
  type JsonValue,
  type WriteItem,
  type WriteResult,
} from '../../src/connector-sdk';
import { emailOf } from './email-field';
import { mapOut, memberStatus, type MappedMember, type MemberBody } from './map-out';
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
  const { body, skipped } = upsertBody(item, email, ctx.config);
  let response = await put(ctx, target, body);
  if (target !== current && MEMBER_REJECTED.includes(response.status)) {
    // The rename was refused (the old member is gone, or the new address is already a
    // member): upsert under the new address instead, so the profile is not stuck on it.
    response = await put(ctx, current, body);
  }
  if (body.status !== undefined && isComplianceRefusal(response)) {
    // What we held said the member could be subscribed, but they had opted out or bounced
    // since: write the rest of what changed and leave their consent to them (see upsertBody).
    const { status: _refused, ...withoutStatus } = body;
    response = await put(ctx, current, withoutStatus);
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
  if (skipped.length === 0) return { profileId: item.profileId, ok: true, externalId };
  // The reasons name the parts missing, never the address: no address in the logs.
  ctx.logger.warn('Mailchimp member written without the fields Mailchimp cannot take', {
    memberId: externalId,
    profileId: item.profileId,
    skipped,
  });
  return { profileId: item.profileId, ok: true, externalId, skippedFields: skipped };
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
 * what changed. `skipped` names those of them Mailchimp cannot take (an incomplete address):
 * they are left out. `email_address` and `status_if_new` go on every request, since either
 * may create the member (it may have been deleted in Mailchimp since).
 *
 * `status` is sent only for a known member whose consent changed here. For anyone else the
 * canonical consent applies through `status_if_new`, i.e. only if Mailchimp creates them:
 * Syncline must not overwrite the consent of a subscriber it has never seen. Nor does it
 * subscribe again a member who unsubscribed or bounced in Mailchimp: the API refuses that
 * ("Member In Compliance State"; only the person can opt back in, through a signup form), and
 * the refusal would fail the whole member, so their other fields would stop syncing too.
 * Nor is such a member set to `pending`, which Mailchimp accepts and answers with an opt-in
 * email to someone who opted out.
 */
export function upsertBody(item: WriteItem, email: string, config: MailchimpConfig): MappedMember {
  const source = item.externalId ? item.changed : item.fields;
  const fields: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(source)) {
    if (key !== 'status' && key !== 'email_address' && key !== TAGS_FIELD) fields[key] = value;
  }
  const { body, skipped } = mapOut(fields);
  body.email_address = email;
  body.status_if_new =
    memberStatus(item.fields.status) ?? memberStatus(config.statusIfNew) ?? 'transactional';
  const status = item.externalId ? memberStatus(item.changed.status) : undefined;
  const optedOut = OPTED_OUT.has(String(item.held?.status));
  if (status && !(optedOut && OPTING_IN.has(status))) body.status = status;
  return { body, skipped };
}

/** Member statuses from which only the person can subscribe again. */
const OPTED_OUT = new Set(['unsubscribed', 'cleaned']);
/**
 * Statuses that opt a member back in. `pending` too: Mailchimp takes it for an unsubscribed
 * member and emails them an opt-in confirmation, a re-subscription they did not ask for.
 */
const OPTING_IN = new Set(['subscribed', 'pending']);

function isComplianceRefusal(response: { status: number; data: unknown }): boolean {
  const title = (response.data as { title?: unknown } | null)?.title;
  return response.status === 400 && title === 'Member In Compliance State';
}

import {
  mapLimited,
  type ConnectorContext,
  type EraseItem,
  type WriteResult,
} from '../../src/connector-sdk';
import { emailOf } from './email-field';
import { deletePermanentPath, memberPath } from './paths';
import { describeProblem } from './problem';
import { subscriberHash } from './subscriber-hash';
import type { MailchimpConfig, MailchimpCredentials } from './types';
import { WRITE_CONCURRENCY } from './write';

/**
 * An erased profile leaves Mailchimp by `POST …/members/{hash}/actions/delete-permanent`
 * by default: Mailchimp then deletes the member's personal data and refuses to re-import
 * the address, which is what an erasure request asks for (and matches the store, which
 * blocks re-creating an erased person). `eraseMode: "archive"` uses `DELETE …/members/{hash}`
 * instead, which only takes the member out of the audience and keeps their data.
 *
 * A member Mailchimp does not have (404) counts as erased, so a retried call is harmless.
 */
export function eraseMembers(
  ctx: ConnectorContext<MailchimpConfig, MailchimpCredentials>,
  batch: EraseItem[],
): Promise<WriteResult[]> {
  return mapLimited(batch, WRITE_CONCURRENCY, (item) => eraseMember(ctx, item));
}

async function eraseMember(
  ctx: ConnectorContext<MailchimpConfig, MailchimpCredentials>,
  item: EraseItem,
): Promise<WriteResult> {
  const email = emailOf(item.fields);
  const hash = item.externalId ?? (email ? subscriberHash(email) : undefined);
  if (!hash) {
    return {
      profileId: item.profileId,
      ok: false,
      retryable: false,
      error: 'Neither a Mailchimp member id nor an email address is known for this profile',
    };
  }
  const archive = ctx.config.eraseMode === 'archive';
  const response = await ctx.http.request({
    method: archive ? 'DELETE' : 'POST',
    path: archive
      ? memberPath(ctx.config.listId, hash)
      : deletePermanentPath(ctx.config.listId, hash),
    acceptStatuses: [400, 404],
  });
  if (response.status === 400) {
    return {
      profileId: item.profileId,
      ok: false,
      retryable: false,
      error: describeProblem(response.status, response.data),
    };
  }
  return { profileId: item.profileId, ok: true, externalId: hash };
}

import type { ConnectorContext } from '../../src/connector-sdk';
import { MEMBER_FIELDS_PARAM, memberPath } from './paths';
import type { MailchimpConfig, MailchimpCredentials, MailchimpMember } from './types';

/**
 * Members by subscriber hash. Mailchimp has no batch read by id, so one GET each, in turn
 * (the rate budget paces them). Unknown hashes (permanently deleted, or never there) are
 * left out; archived members come back with `status: "archived"` and map as deleted.
 */
export async function fetchMembers(
  ctx: ConnectorContext<MailchimpConfig, MailchimpCredentials>,
  hashes: string[],
): Promise<MailchimpMember[]> {
  const members: MailchimpMember[] = [];
  for (const hash of new Set(hashes)) {
    const response = await ctx.http.request<MailchimpMember>({
      path: memberPath(ctx.config.listId, hash),
      query: { fields: MEMBER_FIELDS_PARAM },
      acceptStatuses: [404],
    });
    if (response.status !== 404) members.push(response.data);
  }
  return members;
}

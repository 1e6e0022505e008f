import type { CheckResult, ConnectorContext } from '../../src/connector-sdk';
import { listPath } from './paths';
import type { MailchimpConfig, MailchimpCredentials, MailchimpList } from './types';

/** Reading the audience proves the key, the data centre and the list id in one call. */
export async function checkMailchimp(
  ctx: ConnectorContext<MailchimpConfig, MailchimpCredentials>,
): Promise<CheckResult> {
  const response = await ctx.http.request<MailchimpList>({
    path: listPath(ctx.config.listId),
    query: { fields: 'id,name,stats.member_count' },
    acceptStatuses: [401, 403, 404],
  });
  if (response.status === 401) {
    return {
      ok: false,
      message: 'Mailchimp rejected the API key (or it belongs to another data centre)',
    };
  }
  if (response.status === 403) {
    return { ok: false, message: 'The API key may not access this Mailchimp account' };
  }
  if (response.status === 404) {
    return { ok: false, message: `No Mailchimp audience with id "${ctx.config.listId}"` };
  }
  const { name, stats } = response.data;
  const members = stats?.member_count;
  return {
    ok: true,
    message: name ? `Connected to Mailchimp audience "${name}"` : 'Connected to Mailchimp',
    ...(typeof members === 'number' ? { details: { members } } : {}),
  };
}

import type { ConnectorContext, EraseItem, WriteResult } from '../../src/connector-sdk';
import { describeHubspotError } from './errors';
import { CONTACTS_GDPR_DELETE_PATH } from './properties';
import type { HubspotConfig, HubspotCredentials } from './types';

type Ctx = ConnectorContext<HubspotConfig, HubspotCredentials>;

/**
 * Erasure as HubSpot documents it for GDPR: `POST /crm/v3/objects/contacts/gdpr-delete`
 * permanently deletes the contact and its associated content (unlike an archive, which stays
 * restorable for 90 days). It takes one contact per call.
 *
 * By record id when known. By email (`idProperty: "email"`) only when no id is known: HubSpot
 * then also blocklists an email it does not find, which is right for a person who asked to be
 * forgotten but would be wrong as a fallback after the id missed (the contact may simply have
 * been deleted in HubSpot already). A 404 means the contact is gone: the erase is done, so a
 * retried erase completes.
 */
export async function eraseContacts(ctx: Ctx, batch: EraseItem[]): Promise<WriteResult[]> {
  const results: WriteResult[] = [];
  // One at a time: erases are rare, and the connection's budget is better spent on writes.
  for (const item of batch) results.push(await eraseContact(ctx, item));
  return results;
}

async function eraseContact(ctx: Ctx, item: EraseItem): Promise<WriteResult> {
  const id = item.externalId && /^\d+$/.test(item.externalId) ? item.externalId : undefined;
  const email = typeof item.fields.email === 'string' ? item.fields.email.trim() : '';
  const body = id ? { objectId: id } : email ? { objectId: email, idProperty: 'email' } : undefined;
  // Nothing to find the person by: HubSpot holds nothing we could name.
  if (!body) return { profileId: item.profileId, ok: true };
  const response = await ctx.http.request({
    method: 'POST',
    path: CONTACTS_GDPR_DELETE_PATH,
    body,
    acceptStatuses: [400, 404],
  });
  if (response.status < 300 || response.status === 404) {
    return { profileId: item.profileId, ok: true, ...(id ? { externalId: id } : {}) };
  }
  return {
    profileId: item.profileId,
    ok: false,
    retryable: false,
    error: describeHubspotError(response.status, response.data),
    ...(id ? { externalId: id } : {}),
  };
}

import { createHash } from 'node:crypto';
import type { WebhookEvent, WebhookRequest } from '../../src/connector-sdk';
import { formObject, formText, parseFormBody, type FormObject } from './form-body';
import { subscriberHash } from './subscriber-hash';
import type { MailchimpAddress, MailchimpMember, MemberStatus, MergeValue } from './types';

/** One event of the delivery; `suffix` tells its dedupe key from the delivery's other events'. */
type EventMaker = (
  kind: WebhookEvent['kind'],
  externalId: string,
  suffix?: string,
  record?: MailchimpMember,
) => WebhookEvent<MailchimpMember>;

/** Merges that are not merge fields: EMAIL repeats `data[email]`, the rest are groups. */
const NOT_MERGE_FIELDS = new Set(['EMAIL', 'INTERESTS', 'GROUPINGS']);

/**
 * One delivery → the member events it carries:
 *
 * - `subscribe`: an upsert of a member-shaped record `mapIn` reads (the delivery's data, and
 *   the status it states: subscribed).
 * - `unsubscribe`: an upsert with status unsubscribed; with `data[action]=delete` (the
 *   member was deleted from the audience) a delete.
 * - `cleaned`: an upsert with status cleaned (the address bounced or was reported).
 * - `profile`: a fetch of the member. The delivery carries no status, and the store replaces a
 *   source record's held version whole, so a record built from it would drop the member's email
 *   consent. The runtime fetches the member as Mailchimp holds it instead: a member deleted
 *   since is not returned and nothing changes (its deletion is a delivery of its own); one
 *   archived since comes back archived and maps as deleted.
 * - `upemail`: the address changed, and with it the member id. A delete of the old id, then a
 *   fetch of the new member (the delivery carries nothing but the addresses, so a record built
 *   from it would have no consent either) also known by the old address, so the member stays
 *   with the profile that held it.
 * - `campaign` and anything else: no member, nothing.
 *
 * Every member id is the subscriber hash of the delivery's address, the id reads and writes
 * use. `data[id]` and `data[new_id]` are not: they are the 10-character `unique_email_id`
 * (`8a25ff1d98` in Mailchimp's sample), so keying by them would give every delivery a source
 * record of its own beside the one reads keep up to date.
 *
 * Mailchimp sends no delivery id. A retry repeats the delivery byte for byte, and a
 * delivery's `type`, `fired_at` (to the second) and member data identify the change, so the
 * dedupe key is a digest of the delivery's parameters (sorted, so encoding order cannot
 * matter). Two deliveries that differ in nothing are the same change, and dropping one
 * loses nothing.
 */
export function parseMailchimpWebhook(request: WebhookRequest): WebhookEvent<MailchimpMember>[] {
  const rawBody = request.rawBody.toString('utf8');
  const form = parseFormBody(rawBody);
  const type = formText(form, 'type');
  const data = formObject(form, 'data');
  if (!type || !data) throw new Error('Not a Mailchimp webhook delivery: no type or data');
  const occurredAt = firedAt(formText(form, 'fired_at'));
  const changedAt = occurredAt ?? new Date(request.receivedAt).toISOString();
  const key = `mailchimp:${deliveryDigest(rawBody)}`;
  const event: EventMaker = (kind, externalId, suffix = '', record) => ({
    dedupeKey: `${key}${suffix}`,
    kind,
    externalId,
    ...(record ? { record } : {}),
    ...(occurredAt ? { occurredAt } : {}),
  });
  const upsert = (record: MailchimpMember, suffix = '') =>
    event('upsert', record.id, suffix, record);

  switch (type) {
    case 'subscribe':
      return [upsert(memberOf(data, changedAt, 'subscribed'))];
    case 'profile':
      return [event('fetch', memberId(data))];
    case 'unsubscribe':
      if (formText(data, 'action') === 'delete') return [event('delete', memberId(data))];
      return [upsert(memberOf(data, changedAt, 'unsubscribed'))];
    case 'cleaned':
      return [upsert(memberOf(data, changedAt, 'cleaned'))];
    case 'upemail':
      return emailChange(data, event);
    default:
      return [];
  }
}

function emailChange(data: FormObject, event: EventMaker): WebhookEvent<MailchimpMember>[] {
  const newEmail = formText(data, 'new_email')?.trim();
  const oldEmail = formText(data, 'old_email')?.trim();
  if (!newEmail || !oldEmail) throw new Error('upemail delivery without new_email and old_email');
  const newId = subscriberHash(newEmail);
  const oldId = subscriberHash(oldEmail);
  // The same hash means only the letter case changed: still one member, and no id to end.
  if (oldId === newId) return [event('fetch', newId, ':new')];
  // The old id ends first, so the new member can take its place in the profile (one member
  // per audience and person), which the old address, known to the new one, leads it to.
  return [
    event('delete', oldId, ':old'),
    { ...event('fetch', newId, ':new'), alsoKnownAs: [{ type: 'email', value: oldEmail }] },
  ];
}

function memberId(data: FormObject): string {
  const email = formText(data, 'email')?.trim();
  if (!email) throw new Error('Mailchimp delivery names no member (no data[email])');
  return subscriberHash(email);
}

function memberOf(data: FormObject, changedAt: string, status: MemberStatus): MailchimpMember {
  const member: MailchimpMember = {
    id: memberId(data),
    email_address: formText(data, 'email')?.trim(),
    status,
    last_changed: changedAt,
    ...listOf(data),
  };
  const merges = formObject(data, 'merges');
  if (merges) member.merge_fields = mergeFields(merges);
  return member;
}

function mergeFields(merges: FormObject): Record<string, MergeValue> {
  const fields: Record<string, MergeValue> = {};
  for (const [tag, value] of Object.entries(merges)) {
    if (NOT_MERGE_FIELDS.has(tag)) continue;
    fields[tag] = typeof value === 'string' ? value : address(value);
  }
  return fields;
}

/** `data[merges][ADDRESS][addr1]=…`: the ADDRESS merge field, nested like the API's. */
function address(value: FormObject): MailchimpAddress {
  const result: MailchimpAddress = {};
  for (const key of ['addr1', 'addr2', 'city', 'state', 'zip', 'country'] as const) {
    const part = formText(value, key);
    if (part !== undefined) result[key] = part;
  }
  return result;
}

function listOf(data: FormObject): { list_id?: string } {
  const listId = formText(data, 'list_id');
  return listId ? { list_id: listId } : {};
}

/**
 * `fired_at` is `YYYY-MM-DD HH:MM:SS` without a zone; Mailchimp's servers write it in UTC.
 * Anything else Date can read is accepted too.
 */
export function firedAt(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  const plain = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(trimmed);
  const ms = Date.parse(plain ? `${plain[1]}T${plain[2]}Z` : trimmed);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function deliveryDigest(rawBody: string): string {
  const params = [...new URLSearchParams(rawBody)].sort(([a, x], [b, y]) =>
    a === b ? (x < y ? -1 : x > y ? 1 : 0) : a < b ? -1 : 1,
  );
  return createHash('sha256').update(JSON.stringify(params)).digest('hex').slice(0, 32);
}

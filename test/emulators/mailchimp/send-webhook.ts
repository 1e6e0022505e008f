/**
 * Mailchimp webhook traffic: deliveries are `application/x-www-form-urlencoded` POSTs with
 * PHP-style keys (`type`, `fired_at`, `data[...]`), unsigned (the receiver's secret is a token
 * in its URL); a new webhook's URL is first checked with a GET that must answer 200.
 */
import { encodeForm, type FormInput } from './form-encode';
import { uniqueEmailId, type StoredMember } from './member-store';

export type MailchimpWebhookType =
  'subscribe' | 'unsubscribe' | 'profile' | 'upemail' | 'cleaned' | 'campaign';

export type WebhookData = { [key: string]: FormInput };

export interface SendMailchimpWebhookOptions {
  /** When the event fired (ms); default now. Sent as `YYYY-MM-DD HH:MM:SS` (UTC). */
  firedAt?: number;
  /** Extra or overriding headers. */
  headers?: Record<string, string>;
}

export interface SentMailchimpWebhook {
  status: number;
  body: string;
  rawBody: string;
}

export const DELIVERY_USER_AGENT = 'MailChimp.com';
export const VALIDATOR_USER_AGENT = 'MailChimp.com WebHook Validator';

export async function sendMailchimpWebhook(
  url: string,
  type: MailchimpWebhookType,
  data: WebhookData,
  options: SendMailchimpWebhookOptions = {},
): Promise<SentMailchimpWebhook> {
  const rawBody = encodeForm({ type, fired_at: firedAt(options.firedAt ?? Date.now()), data });
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': DELIVERY_USER_AGENT,
      ...options.headers,
    },
    body: rawBody,
  });
  return { status: response.status, body: await response.text(), rawBody };
}

/** Mailchimp's check of a webhook URL before it saves the webhook: a GET without parameters. */
export async function validateMailchimpWebhookUrl(url: string): Promise<number> {
  const response = await fetch(url, {
    method: 'GET',
    headers: { 'user-agent': VALIDATOR_USER_AGENT },
  });
  await response.arrayBuffer();
  return response.status;
}

/** `2009-03-26 21:35:57`: Mailchimp's `fired_at`, in UTC without a zone. */
export function firedAt(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * The `data[...]` Mailchimp sends about `member` for an event. `upemail` needs the address
 * before the change (`previousEmail`); `unsubscribe` takes an `action` (`unsub`, or `delete`
 * when the member was removed from the audience).
 *
 * `data[id]` and `data[new_id]` are the member's `unique_email_id` (10 hex characters), not
 * the subscriber hash the API keys members by: a receiver has to hash `data[email]` itself.
 * No delivery states the member's status: `subscribe`, `unsubscribe` and `cleaned` imply one by
 * their type, and `profile` and `upemail` say nothing of it.
 */
export function memberWebhookData(
  type: Exclude<MailchimpWebhookType, 'campaign'>,
  member: StoredMember,
  listId: string,
  extra: { previousEmail?: string; action?: 'unsub' | 'delete'; reason?: string } = {},
): WebhookData {
  if (type === 'upemail') {
    if (!extra.previousEmail) throw new Error('upemail needs the previous address');
    return {
      list_id: listId,
      new_id: member.uniqueEmailId,
      new_email: member.email,
      old_email: extra.previousEmail,
    };
  }
  if (type === 'cleaned') {
    return {
      list_id: listId,
      campaign_id: '',
      reason: extra.reason ?? 'hard',
      email: member.email,
    };
  }
  const merges: WebhookData = { EMAIL: member.email };
  for (const [tag, value] of Object.entries(member.mergeFields)) {
    merges[tag] = typeof value === 'object' ? { ...value } : value;
  }
  const data: WebhookData = {
    id: member.uniqueEmailId,
    email: member.email,
    email_type: member.emailType,
    ip_opt: member.ipOpt,
    web_id: member.webId,
    list_id: listId,
    merges,
  };
  if (type === 'unsubscribe') {
    return {
      action: extra.action ?? 'unsub',
      reason: extra.reason ?? 'manual',
      ...data,
      campaign_id: '',
    };
  }
  return type === 'subscribe' ? { ...data, ip_signup: member.ipSignup } : data;
}

/** `data[...]` of an `upemail` delivery for addresses that are not stored members. */
export function emailChangeData(listId: string, oldEmail: string, newEmail: string): WebhookData {
  return {
    list_id: listId,
    new_id: uniqueEmailId(),
    new_email: newEmail,
    old_email: oldEmail,
  };
}

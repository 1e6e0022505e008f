/** Mailchimp Marketing API 3.0 shapes used by this connector (list members only). */

/**
 * Statuses a member can be created with (`status_if_new`) or set to (`status`). `cleaned` is
 * not one: it is Mailchimp's own verdict on an address that bounced or was reported, which
 * an app cannot set (nor undo), so a profile whose consent reads `cleaned` (from this or
 * another audience) never sends it.
 */
export const MEMBER_WRITE_STATUSES = [
  'subscribed',
  'unsubscribed',
  'pending',
  'transactional',
] as const;
export type MemberWriteStatus = (typeof MEMBER_WRITE_STATUSES)[number];

/** What `status` can read as: the writable ones, `cleaned`, and `archived` (DELETE on the member). */
export type MemberStatus = MemberWriteStatus | 'cleaned' | 'archived';

export type EraseMode = 'delete-permanent' | 'archive';

export type MailchimpConfig = {
  /** The audience (list) id, e.g. `a1b2c3d4e5`. */
  listId: string;
  /** Default `https://{dc}.api.mailchimp.com/3.0`, `dc` taken from the API key's suffix. */
  baseUrl?: string;
  /** Status of a member Syncline creates when the profile's email consent is unknown. */
  statusIfNew?: MemberWriteStatus;
  /** How an erased profile leaves Mailchimp. Default `delete-permanent`. */
  eraseMode?: EraseMode;
  /** Request budget; Mailchimp limits concurrency, not rate (see manifest). */
  requestsPerSecond?: number;
};

export type MailchimpCredentials = {
  /** `<key>-<dc>`, e.g. `0123456789abcdef0123456789abcdef-us19`. */
  apiKey: string;
  /** The secret Syncline puts in the webhook URL (`?token=`); Mailchimp does not sign deliveries. */
  webhookToken?: string;
};

/** The ADDRESS merge field. Mailchimp answers `""` when it is empty. */
export interface MailchimpAddress {
  addr1?: string;
  addr2?: string;
  city?: string;
  state?: string;
  zip?: string;
  country?: string;
}

export type MergeValue = string | number | MailchimpAddress | null;

export interface MailchimpTag {
  id?: number;
  name: string;
}

/**
 * A list member as `GET /lists/{id}/members` returns it (the fields this connector asks for),
 * or as `parseWebhook` rebuilds it from a delivery that states the member's status (then only
 * what the delivery carried).
 */
export interface MailchimpMember {
  /** MD5 of the lower-cased email: the subscriber hash. */
  id: string;
  email_address?: string;
  status?: MemberStatus | string;
  merge_fields?: Record<string, MergeValue>;
  language?: string;
  vip?: boolean;
  tags?: MailchimpTag[];
  list_id?: string;
  /** ISO 8601 with an offset and second precision: `2024-11-05T10:15:00+00:00`. */
  last_changed?: string;
  timestamp_opt?: string;
  timestamp_signup?: string;
}

export interface MailchimpMembersPage {
  members: MailchimpMember[];
  list_id?: string;
  total_items: number;
}

export interface MailchimpList {
  id: string;
  name?: string;
  stats?: { member_count?: number };
}

/** Mailchimp's error body (RFC 7807 problem details, `application/problem+json`). */
export interface MailchimpProblem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
  errors?: { field?: string; message?: string }[];
}

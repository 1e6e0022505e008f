/** Zendesk Support shapes used by this connector (users only). */

export type ZendeskConfig = {
  /** `acme` for `https://acme.zendesk.com`; used when `baseUrl` is not set. */
  subdomain?: string;
  /** The full API base, `/api/v2` included (`https://acme.zendesk.com/api/v2`). */
  baseUrl?: string;
  /** The account's plan limit (Team 200, Growth/Professional 400, Enterprise 700, …). */
  requestsPerMinute?: number;
  /** Take agents and admins too; by default only end-users (the helpdesk's customers). */
  includeStaff?: boolean;
};

export type ZendeskCredentials = {
  /** The agent or admin the API token acts as; sent as `{email}/token` in Basic auth. */
  email: string;
  apiToken: string;
  /** The webhook's signing secret (`GET /api/v2/webhooks/{id}/signing_secret`). */
  webhookSecret?: string;
};

export type ZendeskRole = 'end-user' | 'agent' | 'admin';

/** Custom user field values, keyed by the field's key. */
export type ZendeskUserFields = Record<string, string | number | boolean | null>;

export interface ZendeskUser {
  /** Zendesk ids are JSON numbers (13–14 digits today, well inside 2^53). */
  id: number;
  url?: string;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  external_id?: string | null;
  role?: ZendeskRole | string;
  /** BCP 47-ish, e.g. `en-US`. */
  locale?: string | null;
  /** Rails zone name (`Copenhagen`, `Eastern Time (US & Canada)`), writable. */
  time_zone?: string | null;
  /** The same zone as an IANA name (`Europe/Copenhagen`); read-only. */
  iana_time_zone?: string | null;
  tags?: string[];
  user_fields?: ZendeskUserFields;
  organization_id?: number | null;
  /** False once the user is deleted (soft or permanently); the export still returns them. */
  active?: boolean;
  suspended?: boolean;
  verified?: boolean;
  created_at?: string;
  updated_at?: string;
}

/**
 * What read and fetch hand on, in place of the user, for someone the connection leaves out
 * (an agent or admin, unless `config.includeStaff`): who and when, never their details, so a
 * version Syncline holds from when they were an end-user is removed and nothing else is kept.
 */
export interface ZendeskUserLeftOut {
  leftOut: 'staff';
  id: number;
  role: string;
  /** The user's `updated_at` (or, from a webhook, the event's time): the removal's version. */
  updated_at?: string;
}

/** A connection's raw record: a user it takes, or one it leaves out. */
export type ZendeskRecord = ZendeskUser | ZendeskUserLeftOut;

export interface ZendeskUserResponse {
  user: ZendeskUser;
}

export interface ZendeskUsersResponse {
  users: ZendeskUser[];
}

/** One of a user's identities (`GET /users/{id}/identities.json`). */
export interface ZendeskIdentity {
  id: number;
  user_id?: number;
  /** `email`, `phone_number`, `twitter`, `google`, … */
  type: string;
  value: string;
  primary?: boolean;
  verified?: boolean;
}

export interface ZendeskIdentitiesResponse {
  identities: ZendeskIdentity[];
}

export interface ZendeskIdentityResponse {
  identity: ZendeskIdentity;
}

/** `GET /incremental/users/cursor.json`. */
export interface ZendeskIncrementalUsersResponse {
  users: ZendeskUser[];
  after_cursor: string | null;
  after_url: string | null;
  before_cursor: string | null;
  before_url: string | null;
  /** True once this page reached the present (minus the minute Zendesk always holds back). */
  end_of_stream: boolean;
}

/** Zendesk's error body, e.g. a 422 `RecordInvalid` with per-field `details`. */
export interface ZendeskErrorBody {
  error?: string | { title?: string; message?: string };
  description?: string;
  details?: Record<string, { description?: string; error?: string }[]>;
}

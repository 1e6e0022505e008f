/** HubSpot CRM v3 shapes used by this connector (contacts only). */

export type HubspotConfig = {
  /** Default `https://api.hubapi.com`. */
  baseUrl?: string;
  /** The app's per-10-second budget on the customer's plan (100 on Free/Starter, 190 Pro/Enterprise). */
  requestsPer10Seconds?: number;
  /**
   * The HubSpot account (hub id) the connection belongs to. Set: webhook events of other
   * accounts are ignored, and `check` verifies the access token is this account's.
   */
  portalId?: number;
};

export type HubspotCredentials = {
  /** Private app or OAuth access token. */
  accessToken: string;
  /** App client secret; verifies webhook signatures (v3 HMAC key, v1 hash prefix). */
  clientSecret?: string;
};

/** HubSpot property values are always strings, or null when the property has no value. */
export type HubspotProperties = Record<string, string | null>;

export interface HubspotContact {
  id: string;
  properties: HubspotProperties;
  createdAt?: string;
  updatedAt?: string;
  archived?: boolean;
  archivedAt?: string;
}

export interface HubspotListResponse {
  results: HubspotContact[];
  paging?: { next?: { after: string; link?: string } };
}

export interface HubspotSearchResponse {
  total: number;
  results: HubspotContact[];
  paging?: { next?: { after: string } };
}

export interface HubspotBatchReadResponse {
  status: string;
  results: HubspotContact[];
  numErrors?: number;
}

/** The documented 429 / error body. */
export interface HubspotErrorBody {
  status?: string;
  message?: string;
  errorType?: string;
  category?: string;
  policyName?: string;
  correlationId?: string;
}

/** One input of `batch/upsert` (by email) or `batch/update` (by record id). */
export interface HubspotBatchWriteInput {
  id: string;
  /** `email` for upserts; absent when `id` is the record id. */
  idProperty?: string;
  properties: Record<string, string>;
  /**
   * Echoed on the input's result (and, per HubSpot's error-handling guide, what turns on
   * multi-status answers): how results and errors are matched back to inputs.
   */
  objectWriteTraceId: string;
}

/** A batch write result (`new` only on upserts). */
export interface HubspotWrittenContact {
  id: string;
  properties?: HubspotProperties;
  objectWriteTraceId?: string;
  new?: boolean;
}

/** One entry of a batch answer's `errors` (HubSpot's `StandardError`). */
export interface HubspotBatchError {
  status?: string;
  category?: string;
  message?: string;
  /** Values are string arrays, e.g. `{ids: ["12"]}` or `{objectWriteTraceId: ["p-1"]}`. */
  context?: Record<string, unknown>;
  errors?: { message?: string; code?: string; in?: string }[];
}

/** 200 (all written) or 207 (some failed) answer of `batch/upsert` and `batch/update`. */
export interface HubspotBatchWriteResponse {
  status?: string;
  results?: HubspotWrittenContact[];
  errors?: HubspotBatchError[];
  numErrors?: number;
}

/** `GET /account-info/v3/details`: the account the access token belongs to (fields used here). */
export interface HubspotAccountDetails {
  portalId: number;
  accountType?: string;
  uiDomain?: string;
}

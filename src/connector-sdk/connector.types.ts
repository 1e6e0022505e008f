/**
 * The connector contract. A connector is a folder under `connectors/` whose `index.ts`
 * default-exports a `Connector`: plain data (the manifest) plus functions. Connectors never
 * import NestJS; everything they need from the runtime arrives in the `ConnectorContext`.
 */
import type { CanonicalTraits } from '../profiles/canonical/canonical-traits';
import type { HttpClient } from './http-client.types';

export const CONNECTOR_CATEGORIES = ['crm', 'email', 'ecommerce', 'helpdesk', 'other'] as const;
export type ConnectorCategory = (typeof CONNECTOR_CATEGORIES)[number];

export const CONNECTOR_CAPABILITIES = [
  'read',
  'incremental',
  'webhooks',
  'write',
  'deletes',
] as const;
export type ConnectorCapability = (typeof CONNECTOR_CAPABILITIES)[number];

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The subset of JSON Schema (draft 2020-12) that connector manifests use. */
export interface JsonSchemaProperty {
  type: 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array';
  title?: string;
  description?: string;
  format?: string;
  pattern?: string;
  enum?: readonly JsonValue[];
  default?: JsonValue;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  items?: JsonSchemaProperty;
  properties?: Record<string, JsonSchemaProperty>;
  additionalProperties?: boolean;
  /** Marks a secret: encrypted at rest, never logged, never returned by the API. */
  'x-secret'?: boolean;
}

export interface JsonObjectSchema {
  type: 'object';
  properties: Record<string, JsonSchemaProperty>;
  required?: string[];
  additionalProperties?: boolean;
}

export interface ConnectorManifest {
  /** Unique slug, `^[a-z][a-z0-9-]*$`; also the folder name under `connectors/`. */
  name: string;
  displayName: string;
  description: string;
  category: ConnectorCategory;
  capabilities: ConnectorCapability[];
  /** Non-secret settings (base URL, list id, …). */
  configSchema: JsonObjectSchema;
  /** Secret settings; every property must carry `'x-secret': true`. */
  credentialsSchema: JsonObjectSchema;
  /** Default request budget shared by every worker using one connection. */
  rateLimit?: RateLimit;
  /**
   * Connectors with `write`: how canonical traits become vendor fields, keyed by vendor
   * field (a dot path into the vendor's record, e.g. `merge_fields.PHONE`). A connection's
   * `mapping` is laid over it (rename, drop with null, constants, `custom.*` fields).
   */
  defaultMapping?: FieldMapping;
  /** Most items one `write` call accepts (the vendor's batch size); default 1. */
  writeBatchSize?: number;
  /**
   * Connectors with `deletes`: how long a change takes to show in a full read, where the
   * vendor documents a delay (Zendesk's incremental export leaves out what changed in the
   * minute before the request). A full sync does not take a record received within this long
   * before its read began for deleted when the read did not return it; default 0.
   */
  fullReadLagSeconds?: number;
  /**
   * Structured traits this connector's records can carry only part of, with the parts they
   * carry (HubSpot: `{ address: ['line1', 'city', 'region', 'postalCode', 'country'] }`, no
   * second line). A part outside the list is one the vendor cannot hold, so its absence says
   * nothing: when such a record's value wins, survivorship takes that part from another
   * source's value for the same place (same first line, and city, postcode and country where
   * both have them) instead of dropping it.
   */
  partialTraits?: Readonly<Record<string, readonly string[]>>;
  /**
   * Connectors whose webhook deliveries can carry several vendor accounts' events (a public
   * HubSpot app has one webhook URL and one signing secret for every account installing it):
   * the config key that binds a connection to one account (`portalId`). Events name their
   * account (`WebhookEvent.account`); one of another account goes to the connection of the
   * same connector bound to that account, if its credentials verify the delivery too, else it
   * is ignored. A connection not bound takes the events no bound connection claims.
   */
  webhookAccountKey?: string;
}

/**
 * One outbound mapping rule, for a vendor field:
 *  - `"phone"` / `"address.city"` / `"custom.shopify.note"`: that canonical field;
 *  - `null`: never send this vendor field;
 *  - `{ "const": value }`: always send this value.
 */
export type MappingRule = string | null | { const: JsonValue };
export type FieldMapping = Record<string, MappingRule>;

/** Mapped vendor field (dot path) → value. */
export type VendorFields = Record<string, JsonValue>;

export interface RateLimit {
  /** Requests allowed per `intervalMs`. */
  requests: number;
  intervalMs: number;
}

/** How the runtime should build the HTTP client for one connection. */
export interface ConnectorHttpSetup {
  /** The vendor's base URL, path prefix included; connectors append only resource paths. */
  baseUrl: string;
  headers?: Record<string, string>;
  /** HTTP Basic credentials (Mailchimp, Zendesk token auth). */
  basicAuth?: { username: string; password: string };
  /** Overrides the manifest's default budget (e.g. a plan with a higher limit). */
  rateLimit?: RateLimit;
  /**
   * Vendor-specific back-off hint for a retryable response that carries no `Retry-After`
   * (e.g. HubSpot's 10-second window, Intercom's `X-RateLimit-Reset`). Milliseconds, or
   * undefined to fall back to exponential backoff.
   */
  retryDelayMs?: (response: {
    status: number;
    headers: Record<string, string>;
    data: unknown;
  }) => number | undefined;
}

export interface ConnectorLogger {
  debug(message: string, context?: Record<string, unknown>): void;
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

export interface ConnectorContext<
  Config = Record<string, unknown>,
  Credentials = Record<string, unknown>,
> {
  connectionId: string;
  config: Config;
  credentials: Credentials;
  /** Pre-configured for this connection: base URL, auth, timeouts, retries, shared rate limit. */
  http: HttpClient;
  logger: ConnectorLogger;
  /** Aborted when the sync is cancelled or the worker shuts down. */
  signal?: AbortSignal;
}

export interface CheckResult {
  ok: boolean;
  /** Human-readable outcome, safe to show an admin (never contains secrets). */
  message: string;
  details?: Record<string, JsonValue>;
}

/** Opaque, JSON-serialisable position in a vendor's change stream. */
export type SyncCursor = { [key: string]: JsonValue };

export interface ReadRequest {
  mode: 'full' | 'incremental';
  /** Where the previous run (or the last checkpoint of this run) stopped; null for a fresh start. */
  cursor: SyncCursor | null;
  /** Incremental only: re-read records changed within this window before the cursor. */
  lookBackMs?: number;
}

export interface ReadPage<Raw = unknown> {
  records: Raw[];
  /** Checkpoint that resumes reading right after this page. */
  cursor: SyncCursor | null;
}

export type IdentifierType = 'email' | 'phone';

/** What `mapIn` makes of one vendor record. */
export interface MappedRecord {
  /** The vendor's id for the record; with the connection id it forms the `external` identifier. */
  externalId: string;
  /** The vendor's last-modified time, ISO 8601; decides survivorship and ordering. */
  updatedAt: string;
  deleted?: boolean;
  /**
   * The vendor still has the record, but this connection leaves such records out (a scope its
   * config sets: Zendesk agents and admins unless `includeStaff`). Set with `deleted: true` and
   * no traits. A live version Syncline holds is removed as a deletion removes it; for a record
   * it does not hold nothing is stored (a plain deletion would keep a tombstone, on a closed
   * profile, for someone never taken); and a full sync counts the record as returned, not as
   * vanished.
   */
  outOfScope?: boolean;
  traits: CanonicalTraits;
  /** Extra identifiers beyond `traits.email` / `traits.phone` (e.g. secondary emails). */
  identifiers?: { type: IdentifierType; value: string }[];
  /**
   * When the vendor says a trait got its value, where it says so apart from `updatedAt` (ISO
   * 8601, by canonical trait name; Shopify's `email_marketing_consent.consent_updated_at`).
   * Survivorship dates that trait by it, so a record touched for another reason (an order) does
   * not make a value the person set long ago outrank a later choice made in another tool. A
   * time after `updatedAt` counts as `updatedAt`.
   */
  traitTimes?: TraitTimes;
}

/** Canonical trait name (not `custom`) → ISO 8601 time its value was set. */
export type TraitTimes = Partial<Record<Exclude<keyof CanonicalTraits, 'custom'>, string>>;

/** One profile to create or update at the vendor. */
export interface WriteItem {
  profileId: string;
  /** The vendor's id for this person on this connection, when known (seen inbound or written). */
  externalId?: string;
  /** Every mapped field of the profile: what a create sends, and where keys (email) come from. */
  fields: VendorFields;
  /** The fields whose value changed since the last successful write: what an update sends. */
  changed: VendorFields;
  /**
   * What Syncline believes the vendor holds for these fields (last written, or read from it):
   * the values `changed` differs from. For set-valued fields a vendor changes member by member
   * (Mailchimp tags), it tells which members to remove without touching others added in the tool.
   */
  held?: VendorFields;
}

/** One erased person to delete (or archive) at the vendor. */
export interface EraseItem {
  profileId: string;
  externalId?: string;
  /** The fields last written or read for them (the email, for vendors keyed by email). */
  fields: VendorFields;
}

export interface WriteResult {
  profileId: string;
  ok: boolean;
  externalId?: string;
  /** For a failed item: why, in the vendor's words. */
  error?: string;
  /** True when retrying could help (429/5xx); false for a rejected record (4xx). */
  retryable?: boolean;
  /**
   * For a written item: fields the vendor refused while it took the rest (Shopify: a phone
   * another customer holds). The runtime does not count them as written, so the next push of
   * the profile sends them again.
   */
  skippedFields?: SkippedField[];
}

export interface SkippedField {
  /** The key in `WriteItem.fields` (the vendor field) that was left out. */
  field: string;
  /** Why, in the vendor's words. */
  reason: string;
}

export interface WebhookRequest {
  method: string;
  /** The full URL as the vendor called it (PUBLIC_URL + path when configured). */
  url: string;
  headers: Record<string, string>;
  rawBody: Buffer;
  /** Receive time in ms since the epoch, for replay windows. */
  receivedAt: number;
}

export type WebhookVerification = { ok: true } | { ok: false; reason: string };

export interface WebhookEvent<Raw = unknown> {
  /** The vendor's delivery or event id, used to drop duplicate deliveries. */
  dedupeKey: string;
  kind: 'upsert' | 'delete' | 'fetch';
  externalId: string;
  /** The full vendor record when the delivery carries it (`upsert`). */
  record?: Raw;
  occurredAt?: string;
  /**
   * `fetch`: identifiers the fetched record is also known by that the vendor's record no longer
   * shows, such as the address a Mailchimp member had before changing it: the record then stays
   * with the profile that held that address instead of starting a new one.
   */
  alsoKnownAs?: { type: IdentifierType; value: string }[];
  /** The vendor account the event belongs to, where one delivery can carry several (see `webhookAccountKey`). */
  account?: string;
}

export interface Connector<
  Config = Record<string, unknown>,
  Credentials = Record<string, unknown>,
  Raw = unknown,
> {
  manifest: ConnectorManifest;
  http(config: Config, credentials: Credentials): ConnectorHttpSetup;
  check?(ctx: ConnectorContext<Config, Credentials>): Promise<CheckResult>;
  read?(
    ctx: ConnectorContext<Config, Credentials>,
    request: ReadRequest,
  ): AsyncIterable<ReadPage<Raw>>;
  /** Fetches full records by vendor id (webhooks that carry only ids). */
  fetch?(ctx: ConnectorContext<Config, Credentials>, externalIds: string[]): Promise<Raw[]>;
  mapIn?(raw: Raw): MappedRecord;
  /**
   * Writes up to `manifest.writeBatchSize` profiles; one result per item, in any order. A
   * vendor 4xx on one item is that item's failed result (`retryable: false`); throw only
   * when the whole call failed (the runtime retries it).
   */
  write?(ctx: ConnectorContext<Config, Credentials>, batch: WriteItem[]): Promise<WriteResult[]>;
  /** Deletes or archives erased people at the vendor; same result rules as `write`. */
  erase?(ctx: ConnectorContext<Config, Credentials>, batch: EraseItem[]): Promise<WriteResult[]>;
  verifyWebhook?(
    request: WebhookRequest,
    ctx: Pick<ConnectorContext<Config, Credentials>, 'config' | 'credentials'>,
  ): WebhookVerification;
  /**
   * The runtime passes the connection's config, for deliveries that must be matched to the
   * connection they reached (an app signing several vendor accounts' events with one secret).
   * Optional so a delivery can also be parsed on its own.
   */
  parseWebhook?(
    request: WebhookRequest,
    ctx?: Pick<ConnectorContext<Config, Credentials>, 'config'>,
  ): WebhookEvent<Raw>[];
  /**
   * Answers a vendor's GET on the webhook URL (Mailchimp checks the URL with a GET before it
   * saves a webhook). Verify what the vendor lets you (e.g. a token in the URL) first.
   */
  answerWebhookGet?(
    request: WebhookRequest,
    ctx: Pick<ConnectorContext<Config, Credentials>, 'config' | 'credentials'>,
  ): WebhookGetAnswer;
}

export interface WebhookGetAnswer {
  status: number;
  body?: JsonValue;
}

/** Identity helper that keeps a connector's generic types inferred at its definition. */
export function defineConnector<Config, Credentials, Raw>(
  connector: Connector<Config, Credentials, Raw>,
): Connector<Config, Credentials, Raw> {
  return connector;
}

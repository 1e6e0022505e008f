/**
 * Typed errors of the connector runtime. Every error carries a stable `code` so callers (sync
 * runs, the REST layer, dead-letter triage) branch on the code, never on message text.
 *
 * Messages are safe to log and to show an admin: they never contain request headers, query
 * strings or credentials, and no error keeps the underlying axios error (whose `config`
 * holds the Authorization header) as its `cause`.
 */
export enum ConnectorErrorCode {
  HTTP_REQUEST_FAILED = 'HTTP_REQUEST_FAILED',
  RATE_LIMITED = 'RATE_LIMITED',
  REQUEST_ABORTED = 'REQUEST_ABORTED',
  FOREIGN_ORIGIN = 'FOREIGN_ORIGIN',
  MANIFEST_INVALID = 'MANIFEST_INVALID',
  DUPLICATE_CONNECTOR = 'DUPLICATE_CONNECTOR',
  UNKNOWN_CONNECTOR = 'UNKNOWN_CONNECTOR',
}

export class ConnectorError extends Error {
  constructor(
    readonly code: ConnectorErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export interface HttpRequestErrorDetails {
  method: string;
  /** Path only: the query string may carry secrets (API keys in `?hapikey=`), so it is dropped. */
  path: string;
  /** Undefined when no response arrived (network error, timeout). */
  status?: number;
  /** What the vendor said, extracted from its error body and truncated. */
  vendorMessage?: string;
  /** Network error code (ECONNRESET, ETIMEDOUT, …) when no response arrived. */
  networkCode?: string;
  retryable: boolean;
  /** How many attempts were made before giving up. */
  attempts: number;
}

export class HttpRequestError extends ConnectorError {
  readonly method: string;
  readonly path: string;
  readonly status?: number;
  readonly vendorMessage?: string;
  readonly networkCode?: string;
  readonly retryable: boolean;
  readonly attempts: number;

  constructor(details: HttpRequestErrorDetails, code = ConnectorErrorCode.HTTP_REQUEST_FAILED) {
    super(code, describeHttpFailure(details));
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.vendorMessage = details.vendorMessage;
    this.networkCode = details.networkCode;
    this.retryable = details.retryable;
    this.attempts = details.attempts;
  }
}

/** The vendor kept answering 429 (or asked us to wait longer than we are willing to). */
export class RateLimitedError extends HttpRequestError {
  /** How long the vendor (or its hint) asked us to wait before the next call, when known. */
  readonly retryAfterMs?: number;

  constructor(details: Omit<HttpRequestErrorDetails, 'retryable'>, retryAfterMs?: number) {
    super({ ...details, retryable: true }, ConnectorErrorCode.RATE_LIMITED);
    this.retryAfterMs = retryAfterMs;
  }
}

export class RequestAbortedError extends ConnectorError {
  constructor(what: string) {
    super(ConnectorErrorCode.REQUEST_ABORTED, `${what} was aborted`);
  }
}

/** A connector asked to follow an absolute URL on another origin: the auth headers must not go there. */
export class ForeignOriginError extends ConnectorError {
  constructor(origin: string, baseOrigin: string) {
    super(
      ConnectorErrorCode.FOREIGN_ORIGIN,
      `Refusing to send a request to ${origin}: only ${baseOrigin} may receive this connection's credentials`,
    );
  }
}

export class ConnectorManifestError extends ConnectorError {
  constructor(
    readonly folder: string,
    readonly problems: string[],
  ) {
    super(
      ConnectorErrorCode.MANIFEST_INVALID,
      `Connector "${folder}" is invalid: ${problems.join('; ')}`,
    );
  }
}

export class DuplicateConnectorError extends ConnectorError {
  constructor(
    readonly connectorName: string,
    readonly folders: string[],
  ) {
    super(
      ConnectorErrorCode.DUPLICATE_CONNECTOR,
      `Two connectors are named "${connectorName}" (folders: ${folders.join(', ')}); connector names must be unique`,
    );
  }
}

export class UnknownConnectorError extends ConnectorError {
  constructor(readonly connectorName: string) {
    super(
      ConnectorErrorCode.UNKNOWN_CONNECTOR,
      `No connector named "${connectorName}" is installed`,
    );
  }
}

function describeHttpFailure(details: HttpRequestErrorDetails): string {
  const outcome =
    details.status !== undefined
      ? `HTTP ${details.status}`
      : `network error ${details.networkCode ?? 'unknown'}`;
  const said = details.vendorMessage ? `: ${details.vendorMessage}` : '';
  const tries = details.attempts > 1 ? ` after ${details.attempts} attempts` : '';
  return `${details.method} ${details.path} failed with ${outcome}${tries}${said}`;
}

const MAX_VENDOR_MESSAGE_LENGTH = 300;

/** Pulls a human-readable message out of the usual vendor error bodies. */
export function extractVendorMessage(data: unknown): string | undefined {
  const message = findMessage(data);
  if (!message) return undefined;
  return message.length > MAX_VENDOR_MESSAGE_LENGTH
    ? `${message.slice(0, MAX_VENDOR_MESSAGE_LENGTH)}…`
    : message;
}

function findMessage(data: unknown): string | undefined {
  if (typeof data === 'string') return data.trim() || undefined;
  if (Array.isArray(data)) return findMessage(data[0]);
  if (!data || typeof data !== 'object') return undefined;
  const record = data as Record<string, unknown>;
  for (const key of ['message', 'error_description', 'detail', 'title', 'error']) {
    const value = record[key];
    if (typeof value === 'string' && value.trim()) return value.trim();
    if (value && typeof value === 'object') {
      const nested = findMessage(value);
      if (nested) return nested;
    }
  }
  if (Array.isArray(record.errors)) return findMessage(record.errors[0]);
  return undefined;
}

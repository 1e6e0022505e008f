/** The HTTP surface connectors see; the runtime's implementation adds retries and rate limits. */
export interface HttpRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Resource path appended to the connection's base URL, or an absolute URL (pagination links). */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Statuses the caller handles itself instead of treating them as errors (e.g. 404, 409). */
  acceptStatuses?: number[];
  /**
   * False for a request that must not take effect twice and that the vendor cannot deduplicate
   * (a create without an idempotency key). After a timeout, a dropped connection or a 5xx it
   * may have taken effect, so it is not sent again: it fails at once with a retryable
   * `HttpRequestError`, for the caller to find out what happened first. Only a 429, which says
   * the request was not processed, is resent. Default true.
   */
  idempotent?: boolean;
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  data: T;
}

export interface HttpClient {
  request<T = unknown>(request: HttpRequest): Promise<HttpResponse<T>>;
}

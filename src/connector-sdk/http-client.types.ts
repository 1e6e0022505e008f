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
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  data: T;
}

export interface HttpClient {
  request<T = unknown>(request: HttpRequest): Promise<HttpResponse<T>>;
}

/**
 * The runtime's `HttpClient`: one per connection, built from the connector's `http()` setup.
 * It owns everything connectors must not re-implement: URL joining, auth, timeouts, the
 * shared per-connection rate budget, retries with backoff/`Retry-After`, and error typing.
 */
import axios, { type AxiosInstance, type AxiosResponse, type RawAxiosRequestHeaders } from 'axios';
import type { ConnectorHttpSetup, ConnectorLogger, RateLimit } from './connector.types';
import type { HttpClient, HttpRequest, HttpResponse } from './http-client.types';
import { abortableSleep, type Sleep } from './abortable-sleep';
import {
  ForeignOriginError,
  HttpRequestError,
  RateLimitedError,
  RequestAbortedError,
  extractVendorMessage,
} from './errors';
import type { RateLimiter } from './rate-limiter';
import {
  DEFAULT_BACKOFF,
  isRetryableNetworkError,
  isRetryableStatus,
  networkErrorCode,
  retryDelay,
  type BackoffOptions,
} from './retry-policy';

export interface AxiosHttpClientOptions {
  /** Shared budget; without one, requests are not throttled client-side. */
  rateLimiter?: RateLimiter;
  /** Budget key, normally the connection id, so every worker of one connection shares it. */
  rateLimitKey: string;
  /** The budget; defaults to `setup.rateLimit`. No budget means no client-side throttling. */
  rateLimit?: RateLimit;
  /** Per attempt. Default 30 s. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 5. */
  maxRetries?: number;
  backoff?: BackoffOptions;
  /**
   * A vendor asking for a longer pause than this (e.g. a daily quota) is not waited for:
   * the call fails with a retryable `RateLimitedError` so the job can be rescheduled. Default 60 s.
   */
  maxRetryDelayMs?: number;
  logger?: ConnectorLogger;
  /** Aborts waits and in-flight requests (sync cancelled, worker shutting down). */
  signal?: AbortSignal;
  sleep?: Sleep;
  /** Injectable randomness for jitter (tests). */
  random?: () => number;
}

interface AttemptFailure {
  status?: number;
  headers: Record<string, string>;
  data: unknown;
  networkCode?: string;
}

export class AxiosHttpClient implements HttpClient {
  private readonly axios: AxiosInstance;
  private readonly baseUrl: URL;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly backoff: BackoffOptions;
  private readonly maxRetryDelayMs: number;
  private readonly sleep: Sleep;
  private readonly rateLimit?: RateLimit;

  constructor(
    private readonly setup: ConnectorHttpSetup,
    private readonly options: AxiosHttpClientOptions,
  ) {
    this.baseUrl = new URL(setup.baseUrl);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxRetries = options.maxRetries ?? 5;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 60_000;
    this.sleep = options.sleep ?? abortableSleep;
    this.rateLimit = options.rateLimit ?? setup.rateLimit;
    this.axios = axios.create({
      timeout: this.timeoutMs,
      // Every status is inspected here; axios must not throw on 4xx/5xx.
      validateStatus: () => true,
      transitional: { clarifyTimeoutError: true },
      maxRedirects: 0,
    });
  }

  async request<T = unknown>(request: HttpRequest): Promise<HttpResponse<T>> {
    const method = request.method ?? 'GET';
    const url = this.resolveUrl(request.path);
    const logPath = url.pathname;
    const accepted = new Set(request.acceptStatuses ?? []);

    for (let attempt = 0; ; attempt++) {
      if (this.options.signal?.aborted) throw new RequestAbortedError(`${method} ${logPath}`);
      if (this.options.rateLimiter && this.rateLimit) {
        await this.options.rateLimiter.acquire(
          this.options.rateLimitKey,
          this.rateLimit,
          this.options.signal,
        );
      }

      const outcome = await this.attempt(method, url, request);
      if ('response' in outcome) {
        const { status } = outcome.response;
        if ((status >= 200 && status < 300) || accepted.has(status)) {
          this.options.logger?.debug('HTTP request succeeded', {
            method,
            path: logPath,
            status,
            attempt: attempt + 1,
          });
          return outcome.response as HttpResponse<T>;
        }
      }

      const failure: AttemptFailure =
        'response' in outcome
          ? { ...outcome.response }
          : { headers: {}, data: undefined, networkCode: outcome.networkCode };
      const retryable =
        'response' in outcome
          ? isRetryableStatus(outcome.response.status)
          : outcome.retryableNetworkError;
      const base = { method, path: logPath, attempts: attempt + 1 };

      if (!retryable) {
        throw new HttpRequestError({ ...base, ...describe(failure), retryable: false });
      }
      if (request.idempotent === false && failure.status !== 429) {
        throw new HttpRequestError({ ...base, ...describe(failure), retryable: true });
      }

      const { delayMs, source } = retryDelay({
        attempt,
        retryAfterHeader: failure.headers['retry-after'],
        vendorHintMs:
          failure.status !== undefined
            ? this.setup.retryDelayMs?.({
                status: failure.status,
                headers: failure.headers,
                data: failure.data,
              })
            : undefined,
        backoff: this.backoff,
        nowMs: Date.now(),
        random: this.options.random,
      });

      if (attempt >= this.maxRetries || delayMs > this.maxRetryDelayMs) {
        if (failure.status === 429) {
          throw new RateLimitedError({ ...base, ...describe(failure) }, delayMs);
        }
        throw new HttpRequestError({ ...base, ...describe(failure), retryable: true });
      }

      this.options.logger?.warn('HTTP request will be retried', {
        method,
        path: logPath,
        status: failure.status,
        networkCode: failure.networkCode,
        attempt: attempt + 1,
        delayMs,
        delaySource: source,
      });
      await this.sleep(delayMs, this.options.signal);
    }
  }

  private async attempt(
    method: string,
    url: URL,
    request: HttpRequest,
  ): Promise<
    { response: HttpResponse<unknown> } | { networkCode?: string; retryableNetworkError: boolean }
  > {
    try {
      const response = await this.axios.request({
        method,
        url: url.toString(),
        params: definedParams(request.query),
        data: request.body,
        headers: this.headersFor(request),
        auth: this.setup.basicAuth,
        signal: this.options.signal,
      });
      return { response: toHttpResponse(response) };
    } catch (error) {
      if (this.options.signal?.aborted) throw new RequestAbortedError(`${method} ${url.pathname}`);
      // The axios error is deliberately dropped: its `config` holds the auth headers.
      return {
        networkCode: networkErrorCode(error),
        retryableNetworkError: isRetryableNetworkError(error),
      };
    }
  }

  private headersFor(request: HttpRequest): RawAxiosRequestHeaders {
    const headers: RawAxiosRequestHeaders = { accept: 'application/json' };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    return { ...headers, ...request.headers, ...this.setup.headers };
  }

  /** Joins a resource path to the base URL; accepts absolute URLs on the base URL's origin only. */
  private resolveUrl(path: string): URL {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
      const absolute = new URL(path);
      if (absolute.origin !== this.baseUrl.origin) {
        throw new ForeignOriginError(absolute.origin, this.baseUrl.origin);
      }
      return absolute;
    }
    const base = this.baseUrl.toString().replace(/\/+$/, '');
    return new URL(`${base}/${path.replace(/^\/+/, '')}`);
  }
}

function definedParams(
  query: HttpRequest['query'],
): Record<string, string | number | boolean> | undefined {
  if (!query) return undefined;
  const params: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params[key] = value;
  }
  return params;
}

function toHttpResponse(response: AxiosResponse): HttpResponse<unknown> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) {
    if (value === undefined || value === null) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return { status: response.status, headers, data: response.data as unknown };
}

function describe(failure: AttemptFailure): {
  status?: number;
  vendorMessage?: string;
  networkCode?: string;
} {
  return {
    status: failure.status,
    vendorMessage: failure.status !== undefined ? extractVendorMessage(failure.data) : undefined,
    networkCode: failure.networkCode,
  };
}

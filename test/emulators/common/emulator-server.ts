/**
 * A vendor emulator's plumbing: an HTTP server on 127.0.0.1 (random port) that records every
 * request, injects faults, and exposes a control surface both in-process (methods) and over
 * HTTP under `/__emulator/*` (for out-of-process apps and scripts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface EmulatorRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string | string[]>;
  /** Lower-cased names. */
  headers: Record<string, string>;
  rawBody: string;
  /** Parsed JSON when the body is JSON, else the raw string (undefined when empty). */
  body: unknown;
}

export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface RecordedRequest extends EmulatorRequest {
  /** Arrival time, ms since the epoch with sub-millisecond precision. */
  receivedAt: number;
  /** Status answered (set once the response is sent). */
  status?: number;
  /** True when a fault answered instead of the emulator's logic. */
  faulted: boolean;
}

export interface FaultSpec {
  /** Answer this status instead of the normal response; omit to only delay. */
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Wait this long before answering (a slow vendor; exceeds client timeouts when large). */
  delayMs?: number;
  /** How many matching requests this fault applies to. Default 1. */
  times?: number;
  /** Only requests with this method / path prefix; default every request. */
  method?: string;
  pathPrefix?: string;
}

export type RequestHandler = (
  request: EmulatorRequest,
) => Promise<EmulatorResponse> | EmulatorResponse;
export type AdminHandler = (
  request: EmulatorRequest,
) => Promise<EmulatorResponse | undefined> | EmulatorResponse | undefined;

const ADMIN_PREFIX = '/__emulator';

export class EmulatorServer {
  private server?: Server;
  private readonly recorded: RecordedRequest[] = [];
  private faults: (FaultSpec & { remaining: number })[] = [];
  private url?: string;

  /**
   * @param handler the vendor logic
   * @param adminHandler vendor-specific control routes under `/__emulator/…` (e.g. seeding);
   *   return undefined to fall through to the common ones.
   */
  constructor(
    private readonly handler: RequestHandler,
    private readonly adminHandler?: AdminHandler,
  ) {}

  async start(): Promise<string> {
    const server = createServer((req, res) => void this.onRequest(req, res));
    // Keep-alive sockets would hold `stop()` open; emulators are short-lived.
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  get baseUrl(): string {
    if (!this.url) throw new Error('Emulator not started');
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Every request received (admin routes excluded), oldest first. */
  requests(filter: { method?: string; pathPrefix?: string } = {}): RecordedRequest[] {
    return this.recorded.filter(
      (r) =>
        (!filter.method || r.method === filter.method.toUpperCase()) &&
        (!filter.pathPrefix || r.path.startsWith(filter.pathPrefix)),
    );
  }

  clearRequests(): void {
    this.recorded.length = 0;
  }

  /** Queues a fault; faults apply in the order they were injected. */
  injectFault(fault: FaultSpec): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = performance.timeOrigin + performance.now();
    try {
      const request = await readRequest(req);
      if (request.path.startsWith(ADMIN_PREFIX)) {
        send(res, await this.onAdmin(request));
        return;
      }
      const record: RecordedRequest = { ...request, receivedAt, faulted: false };
      this.recorded.push(record);
      const fault = this.takeFault(request);
      if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      let response: EmulatorResponse;
      if (fault?.status !== undefined) {
        record.faulted = true;
        response = { status: fault.status, headers: fault.headers, body: fault.body ?? '' };
      } else {
        response = await this.handler(request);
      }
      record.status = response.status;
      if (!res.destroyed) send(res, response);
    } catch (error) {
      send(res, {
        status: 500,
        body: { message: error instanceof Error ? error.message : String(error) },
      });
    }
  }

  private takeFault(request: EmulatorRequest): FaultSpec | undefined {
    const index = this.faults.findIndex(
      (f) =>
        (!f.method || f.method.toUpperCase() === request.method) &&
        (!f.pathPrefix || request.path.startsWith(f.pathPrefix)),
    );
    if (index < 0) return undefined;
    const fault = this.faults[index];
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.splice(index, 1);
    return fault;
  }

  private async onAdmin(request: EmulatorRequest): Promise<EmulatorResponse> {
    const specific = await this.adminHandler?.(request);
    if (specific) return specific;
    const route = `${request.method} ${request.path.slice(ADMIN_PREFIX.length)}`;
    switch (route) {
      case 'GET /requests':
        return { status: 200, body: this.requests() };
      case 'DELETE /requests':
        this.clearRequests();
        return { status: 204 };
      case 'POST /faults':
        this.injectFault(request.body as FaultSpec);
        return { status: 201, body: { queued: this.faults.length } };
      case 'DELETE /faults':
        this.clearFaults();
        return { status: 204 };
      default:
        return { status: 404, body: { message: `No emulator admin route ${route}` } };
    }
  }
}

async function readRequest(req: IncomingMessage): Promise<EmulatorRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const rawBody = Buffer.concat(chunks).toString('utf8');
  const url = new URL(req.url ?? '/', 'http://emulator');
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const existing = query[key];
    query[key] =
      existing === undefined
        ? value
        : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined)
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  let body: unknown = rawBody || undefined;
  if (rawBody && (headers['content-type'] ?? '').includes('json')) {
    try {
      body = JSON.parse(rawBody);
    } catch {
      body = rawBody;
    }
  }
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    query,
    headers,
    rawBody,
    body,
  };
}

function send(res: ServerResponse, response: EmulatorResponse): void {
  const headers = { ...response.headers };
  let payload = '';
  if (response.body !== undefined && response.body !== '') {
    if (typeof response.body === 'string') {
      payload = response.body;
    } else {
      payload = JSON.stringify(response.body);
      headers['content-type'] ??= 'application/json;charset=utf-8';
    }
  }
  res.writeHead(response.status, headers);
  res.end(payload);
}

/** Largest number of recorded requests inside any window of `windowMs` (inclusive start). */
export function maxRequestsInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end] - sorted[start] >= windowMs) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}

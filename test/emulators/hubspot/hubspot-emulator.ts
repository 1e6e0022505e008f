/**
 * A stateful emulator of HubSpot's CRM contacts v3 API: list, read, search, batch read,
 * create/update/archive, batch upsert/update, GDPR delete, the account details of the one
 * account (portal) every accepted token belongs to, Bearer auth and the
 * TEN_SECONDLY_ROLLING rate limit, with HubSpot's own body shapes and headers. Built on
 * `VendorEmulator`, so it also records requests and takes injected faults.
 */
import { randomUUID } from 'node:crypto';
import { VendorEmulator, type EmulatorRequest, type EmulatorResponse } from '../common';
import { batchWrite, gdprDelete } from './batch-write';
import { ContactStore, DEFAULT_PROPERTIES, toWire, type StoredContact } from './contact-store';
import { RollingWindow } from './rolling-window';
import { SUPPORTED_OPERATORS, matchesGroups, sortContacts, type SearchBody } from './search-query';
import {
  DEFAULT_PORTAL_ID,
  sendHubspotWebhook,
  type HubspotWebhookEventInput,
  type SendHubspotWebhookOptions,
} from './send-webhook';

export interface HubspotEmulatorOptions {
  /** Bearer tokens accepted. Default `['test-token']`. */
  accessTokens?: string[];
  /**
   * The account (hub id) the tokens belong to: in `GET /account-info/v3/details` and the
   * `portalId` of `sendWebhook` events. Default `DEFAULT_PORTAL_ID` (62515).
   */
  portalId?: number;
  /** The app's TEN_SECONDLY_ROLLING limit; `false` disables it. Default 100 per 10 s. */
  rateLimit?: { max: number; intervalMs: number } | false;
  /** Search's own limit (about 4/s per token); `false` disables it. Default 4 per 1 s. */
  searchRateLimit?: { max: number; intervalMs: number } | false;
  /** Results one search can page through. HubSpot: 10,000. */
  searchResultCap?: number;
  /** Reported in `X-HubSpot-RateLimit-Daily` (private apps). Default 250,000. */
  dailyLimit?: number;
  /**
   * Batch writes whose inputs all carry a unique `objectWriteTraceId` answer 207 with the bad
   * inputs in `errors` (default true). False: a validation error refuses the whole batch with
   * a 400 and writes nothing, as HubSpot does for batches without trace ids.
   */
  multiStatus?: boolean;
}

const CONTACTS = '/crm/v3/objects/contacts';
const ACCOUNT_DETAILS = '/account-info/v3/details';
const LIST_MAX_LIMIT = 100;
const SEARCH_MAX_LIMIT = 200;

export class HubspotEmulator extends VendorEmulator {
  readonly store = new ContactStore();
  readonly portalId: number;
  private readonly tokens: Set<string>;
  private readonly window?: RollingWindow;
  private readonly searchWindow?: RollingWindow;
  private readonly dailyLimit: number;
  private dailyUsed = 0;
  searchResultCap: number;
  multiStatus: boolean;

  constructor(options: HubspotEmulatorOptions = {}) {
    super();
    this.tokens = new Set(options.accessTokens ?? ['test-token']);
    this.portalId = options.portalId ?? DEFAULT_PORTAL_ID;
    const limit = options.rateLimit ?? { max: 100, intervalMs: 10_000 };
    if (limit) this.window = new RollingWindow(limit.max, limit.intervalMs);
    const searchLimit = options.searchRateLimit ?? { max: 4, intervalMs: 1_000 };
    if (searchLimit) this.searchWindow = new RollingWindow(searchLimit.max, searchLimit.intervalMs);
    this.searchResultCap = options.searchResultCap ?? 10_000;
    this.dailyLimit = options.dailyLimit ?? 250_000;
    this.multiStatus = options.multiStatus ?? true;
  }

  /** Creates `count` contacts (or the given ones), modified at `at` + i ms when `at` is set. */
  seedContacts(
    input: number | Record<string, string>[],
    options: { at?: number } = {},
  ): StoredContact[] {
    const list =
      typeof input === 'number' ? Array.from({ length: input }, (_, i) => sampleContact(i)) : input;
    return list.map((properties, i) =>
      this.store.create(properties, options.at !== undefined ? options.at + i : Date.now()),
    );
  }

  updateContact(id: string, properties: Record<string, string>, at?: number): StoredContact {
    return this.store.update(id, properties, at);
  }

  archiveContact(id: string, at?: number): StoredContact {
    return this.store.archive(id, at);
  }

  /**
   * POSTs a signed delivery (v3 and legacy v1 headers) of `events` to `url`, from this
   * emulator's account unless `options.portalId` names another.
   */
  sendWebhook(
    url: string,
    events: HubspotWebhookEventInput[],
    options: SendHubspotWebhookOptions,
  ): Promise<{ status: number; body: string; rawBody: string }> {
    return sendHubspotWebhook(url, events, { portalId: this.portalId, ...options });
  }

  resetRateLimits(): void {
    this.window?.reset();
    this.searchWindow?.reset();
    this.dailyUsed = 0;
  }

  protected async handle(request: EmulatorRequest): Promise<EmulatorResponse> {
    if (!this.authorised(request)) return this.unauthorised();
    const isSearch = request.path === `${CONTACTS}/search`;
    const now = Date.now();
    // Search answers without the rate-limit headers (HubSpot's documented exception).
    const headers = isSearch ? {} : this.rateHeaders(now);
    const limited = this.rateLimited(isSearch, now);
    if (limited) return { ...limited, headers: { ...headers, ...limited.headers } };
    this.dailyUsed += 1;
    const response = this.route(request);
    return { ...response, headers: { ...headers, ...response.headers } };
  }

  private route(request: EmulatorRequest): EmulatorResponse {
    const { method, path } = request;
    if (path === ACCOUNT_DETAILS && method === 'GET') return this.accountDetails();
    if (path === CONTACTS && method === 'GET') return this.list(request);
    if (path === CONTACTS && method === 'POST') return this.create(request);
    if (path === `${CONTACTS}/search` && method === 'POST') return this.search(request);
    if (path === `${CONTACTS}/batch/read` && method === 'POST') return this.batchRead(request);
    if (
      method === 'POST' &&
      (path === `${CONTACTS}/batch/upsert` || path === `${CONTACTS}/batch/update`)
    ) {
      return batchWrite(this.store, request.body, path.endsWith('upsert') ? 'upsert' : 'update', {
        multiStatus: this.multiStatus,
        now: Date.now(),
      });
    }
    if (path === `${CONTACTS}/gdpr-delete` && method === 'POST') {
      return gdprDelete(this.store, request.body);
    }
    const single = path.match(/^\/crm\/v3\/objects\/contacts\/([^/]+)$/);
    if (single) {
      const contact = this.store.get(single[1]);
      if (!contact || (contact.archived && method !== 'GET')) return notFound();
      if (method === 'GET') {
        const archived = queryValue(request, 'archived') === 'true';
        if (contact.archived !== archived) return notFound();
        return { status: 200, body: toWire(contact, requestedProperties(request)) };
      }
      if (method === 'PATCH') {
        const properties =
          (request.body as { properties?: Record<string, string> })?.properties ?? {};
        return {
          status: 200,
          body: toWire(this.store.update(contact.id, properties), Object.keys(contact.properties)),
        };
      }
      if (method === 'DELETE') {
        this.store.archive(contact.id);
        return { status: 204 };
      }
    }
    return {
      status: 404,
      body: {
        status: 'error',
        message: `Unable to route ${method} ${path}`,
        correlationId: randomUUID(),
        category: 'OBJECT_NOT_FOUND',
      },
    };
  }

  /** GET account details: every field HubSpot documents as required, for a standard account. */
  private accountDetails(): EmulatorResponse {
    return {
      status: 200,
      body: {
        portalId: this.portalId,
        accountType: 'STANDARD',
        timeZone: 'UTC',
        companyCurrency: 'USD',
        additionalCurrencies: [],
        utcOffset: '+00:00',
        utcOffsetMilliseconds: 0,
        uiDomain: 'app.hubspot.com',
        dataHostingLocation: 'na1',
      },
    };
  }

  /** GET list: ordered by id, `after` is an opaque token, `paging` only when more remain. */
  private list(request: EmulatorRequest): EmulatorResponse {
    const limit = Number(queryValue(request, 'limit') ?? 10);
    if (!Number.isInteger(limit) || limit < 1 || limit > LIST_MAX_LIMIT) {
      return validationError(`limit must be between 1 and ${LIST_MAX_LIMIT}`);
    }
    const archived = queryValue(request, 'archived') === 'true';
    const afterToken = queryValue(request, 'after');
    const afterId = afterToken ? Number(Buffer.from(afterToken, 'base64url').toString('utf8')) : 0;
    if (Number.isNaN(afterId)) return validationError('Invalid after token');
    // One more than the page: its presence is what tells HubSpot to offer `paging.next`.
    const candidates = this.store.slice(afterId, archived, limit + 1);
    const page = candidates.slice(0, limit);
    const properties = requestedProperties(request);
    const body: Record<string, unknown> = { results: page.map((c) => toWire(c, properties)) };
    const next = candidates[limit];
    if (next) {
      const after = Buffer.from(next.id).toString('base64url');
      const link = new URL(`${this.baseUrl}${CONTACTS}`);
      for (const [key, value] of Object.entries(request.query)) {
        for (const v of Array.isArray(value) ? value : [value]) link.searchParams.append(key, v);
      }
      link.searchParams.set('after', after);
      body.paging = { next: { after, link: link.toString() } };
    }
    return { status: 200, body };
  }

  private create(request: EmulatorRequest): EmulatorResponse {
    const properties = (request.body as { properties?: Record<string, string> })?.properties ?? {};
    const contact = this.store.create(properties);
    return { status: 201, body: toWire(contact, Object.keys(contact.properties)) };
  }

  /** POST search: filters, one sort, offset `after`, total, the result cap; archived excluded. */
  private search(request: EmulatorRequest): EmulatorResponse {
    const body = (request.body ?? {}) as SearchBody;
    const limit = body.limit ?? 10;
    if (!Number.isInteger(limit) || limit < 1 || limit > SEARCH_MAX_LIMIT) {
      return validationError(`limit must be between 1 and ${SEARCH_MAX_LIMIT}`);
    }
    for (const group of body.filterGroups ?? []) {
      for (const filter of group.filters ?? []) {
        if (!SUPPORTED_OPERATORS.has(filter.operator)) {
          return validationError(`Unsupported operator ${filter.operator}`);
        }
      }
    }
    const offset = body.after ? Number(body.after) : 0;
    if (!Number.isInteger(offset) || offset < 0) return validationError('after must be a number');
    if (offset >= this.searchResultCap) {
      return validationError(
        `Search results are limited to ${this.searchResultCap} records; narrow the query to page further`,
      );
    }
    const matching = sortContacts(
      this.store.all().filter((c) => !c.archived && matchesGroups(c, body)),
      body,
    );
    const end = Math.min(offset + limit, this.searchResultCap);
    const page = matching.slice(offset, end);
    const properties = body.properties?.length ? body.properties : DEFAULT_PROPERTIES;
    const response: Record<string, unknown> = {
      total: matching.length,
      results: page.map((c) => toWire(c, properties)),
    };
    // Like HubSpot, `next` is offered while results remain, even when it points past the cap.
    if (offset + limit < matching.length)
      response.paging = { next: { after: String(offset + limit) } };
    return { status: 200, body: response };
  }

  /** POST batch/read: 200 when all found, 207 with an OBJECT_NOT_FOUND error otherwise. */
  private batchRead(request: EmulatorRequest): EmulatorResponse {
    const body = (request.body ?? {}) as { properties?: string[]; inputs?: { id: string }[] };
    const inputs = body.inputs ?? [];
    if (inputs.length > 100) return validationError('inputs is limited to 100 items');
    const archived = queryValue(request, 'archived') === 'true';
    const properties = body.properties?.length ? body.properties : DEFAULT_PROPERTIES;
    const found: StoredContact[] = [];
    const missing: string[] = [];
    for (const { id } of inputs) {
      const contact = this.store.get(String(id));
      if (contact && contact.archived === archived) found.push(contact);
      else missing.push(String(id));
    }
    const now = new Date().toISOString();
    const result: Record<string, unknown> = {
      status: 'COMPLETE',
      results: found.map((c) => toWire(c, properties)),
      startedAt: now,
      completedAt: now,
    };
    if (missing.length === 0) return { status: 200, body: result };
    return {
      status: 207,
      body: {
        ...result,
        numErrors: 1,
        errors: [
          {
            status: 'error',
            category: 'OBJECT_NOT_FOUND',
            message:
              'Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.',
            context: { ids: missing },
          },
        ],
      },
    };
  }

  private authorised(request: EmulatorRequest): boolean {
    const match = (request.headers.authorization ?? '').match(/^Bearer (.+)$/);
    return match !== null && this.tokens.has(match[1]);
  }

  private unauthorised(): EmulatorResponse {
    return {
      status: 401,
      body: {
        status: 'error',
        message:
          'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
        correlationId: randomUUID(),
        category: 'INVALID_AUTHENTICATION',
      },
    };
  }

  private rateLimited(isSearch: boolean, now: number): EmulatorResponse | undefined {
    if (this.dailyUsed >= this.dailyLimit)
      return rateLimitError('DAILY', 'You have reached your daily limit.');
    // Only allowed requests count against the windows, so a client that backs off recovers.
    if (isSearch && this.searchWindow && !this.searchWindow.tryHit(now)) {
      return rateLimitError('SECONDLY', 'You have reached your secondly limit.');
    }
    if (this.window && !this.window.tryHit(now)) {
      return rateLimitError(
        'TEN_SECONDLY_ROLLING',
        'You have reached your ten_secondly_rolling limit.',
      );
    }
    return undefined;
  }

  private rateHeaders(now: number): Record<string, string> {
    const headers: Record<string, string> = {
      'x-hubspot-ratelimit-daily': String(this.dailyLimit),
      'x-hubspot-ratelimit-daily-remaining': String(Math.max(0, this.dailyLimit - this.dailyUsed)),
    };
    if (this.window) {
      headers['x-hubspot-ratelimit-interval-milliseconds'] = String(this.window.intervalMs);
      headers['x-hubspot-ratelimit-max'] = String(this.window.max);
      headers['x-hubspot-ratelimit-remaining'] = String(this.window.remaining(now));
    }
    return headers;
  }

  /** Control routes under /__emulator/hubspot/… for out-of-process tests. */
  protected override admin(request: EmulatorRequest): EmulatorResponse | undefined {
    const route = `${request.method} ${request.path}`;
    if (route === 'POST /__emulator/hubspot/contacts') {
      const body = (request.body ?? {}) as {
        count?: number;
        contacts?: Record<string, string>[];
        at?: number;
      };
      const created = this.seedContacts(body.contacts ?? body.count ?? 0, { at: body.at });
      return { status: 201, body: created.map((c) => toWire(c, Object.keys(c.properties))) };
    }
    const one = request.path.match(/^\/__emulator\/hubspot\/contacts\/([^/]+)$/);
    if (one && request.method === 'PATCH') {
      const body = (request.body ?? {}) as { properties?: Record<string, string>; at?: number };
      const contact = this.updateContact(one[1], body.properties ?? {}, body.at);
      return { status: 200, body: toWire(contact, Object.keys(contact.properties)) };
    }
    if (one && request.method === 'DELETE') {
      this.archiveContact(one[1]);
      return { status: 204 };
    }
    if (route === 'POST /__emulator/reset') {
      this.store.clear();
      this.resetRateLimits();
      this.server.clearRequests();
      this.server.clearFaults();
      return { status: 204 };
    }
    return undefined;
  }
}

export function sampleContact(i: number): Record<string, string> {
  return {
    email: `contact${i}@example.com`,
    firstname: `First${i}`,
    lastname: `Last${i}`,
    phone: `+1555${String(i).padStart(7, '0')}`,
    company: `Company ${i % 7}`,
    city: 'Paris',
    country: 'France',
  };
}

function queryValue(request: EmulatorRequest, name: string): string | undefined {
  const value = request.query[name];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

/** `properties=a,b` and/or repeated `properties=a&properties=b`; the default set when absent. */
function requestedProperties(request: EmulatorRequest): string[] {
  const raw = request.query.properties;
  if (raw === undefined) return DEFAULT_PROPERTIES;
  return (Array.isArray(raw) ? raw : [raw])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

function validationError(message: string): EmulatorResponse {
  return {
    status: 400,
    body: { status: 'error', message, correlationId: randomUUID(), category: 'VALIDATION_ERROR' },
  };
}

function notFound(): EmulatorResponse {
  return {
    status: 404,
    body: {
      status: 'error',
      message: 'resource not found',
      correlationId: randomUUID(),
      category: 'OBJECT_NOT_FOUND',
    },
  };
}

function rateLimitError(policyName: string, message: string): EmulatorResponse {
  return {
    status: 429,
    body: {
      status: 'error',
      message,
      errorType: 'RATE_LIMIT',
      correlationId: randomUUID(),
      policyName,
      requestId: randomUUID(),
    },
  };
}

/**
 * A stateful emulator of Shopify's Admin REST API for customers: list with `Link` paging,
 * count, search, shop, create/update/delete, the default address, `X-Shopify-Access-Token`
 * auth and the leaky-bucket rate limit, with Shopify's own bodies and headers; plus the
 * GraphQL `customerRequestDataErasure` mutation. It also sends signed webhook deliveries.
 * Built on `VendorEmulator`, so it records requests and takes injected faults; besides those
 * (answered instead of the request), `loseAnswers` carries a request out and then answers 504,
 * and `searchIndexLagMs` keeps new customers out of search for a while.
 */
import { VendorEmulator, type EmulatorRequest, type EmulatorResponse } from '../common';
import {
  CustomerStore,
  pickFields,
  toWire,
  type CustomerInput,
  type StoredCustomer,
} from './customer-store';
import {
  createAddress,
  createCustomer,
  DATA_ERASURE_SCOPE,
  deleteCustomer,
  graphql,
  searchCustomers,
  updateAddress,
  updateCustomer,
} from './customer-writes';
import { LeakyBucket } from './leaky-bucket';
import { decodePageToken, encodePageToken, type CustomerFilters } from './page-token';
import {
  sendShopifyWebhook,
  type SendWebhookOptions,
  type SentWebhook,
  type ShopifyWebhookTopic,
} from './send-webhook';

export interface ShopifyEmulatorOptions {
  /** Access tokens accepted. Default `['test-token']`. */
  accessTokens?: string[];
  /** The leaky bucket; `false` disables it. Default 40 requests leaking 2/s. */
  rateLimit?: { bucketSize: number; leakPerSecond: number } | false;
  /** Default `syncline-test.myshopify.com`. */
  shopDomain?: string;
  /**
   * Access scopes granted to every token. Default `read_customers`, `write_customers`,
   * `write_customer_data_erasure`. Writes without `write_customers` answer 403; the data
   * erasure mutation without its scope answers `ACCESS_DENIED`.
   */
  grantedScopes?: string[];
  /**
   * How long a customer created through the API stays out of `customers/search.json`: Shopify
   * searches an index that trails its writes (by how much it does not document). Default 0.
   * Lists, counts and reads by id see the customer at once.
   */
  searchIndexLagMs?: number;
}

/** Which requests `loseAnswers` applies to: method, and path after `/admin/api/{version}`. */
export interface LostAnswerSpec {
  method?: string;
  /** e.g. `/customers.json`. Default every path. */
  path?: string;
  /** How many matching requests. Default 1. */
  times?: number;
}

const API_PREFIX = /^\/admin\/api\/(\d{4}-\d{2}|unstable)(\/.*)$/;
const LIST_MAX_LIMIT = 250;
const LIST_DEFAULT_LIMIT = 50;
/** Query parameters a `page_info` request may carry; anything else is answered 400. */
const PAGE_PARAMS = new Set(['page_info', 'limit', 'fields']);
const FILTER_PARAMS = [
  'created_at_min',
  'created_at_max',
  'updated_at_min',
  'updated_at_max',
  'since_id',
  'ids',
] as const;
export const DEFAULT_API_VERSION = '2024-10';

export class ShopifyEmulator extends VendorEmulator {
  readonly store = new CustomerStore();
  readonly shopDomain: string;
  private readonly tokens: Set<string>;
  private readonly bucket?: LeakyBucket;
  private readonly scopes: Set<string>;
  private readonly searchIndexLagMs: number;
  /** When each customer created through the API becomes searchable. */
  private readonly searchableFrom = new Map<number, number>();
  private lostAnswers: (LostAnswerSpec & { remaining: number })[] = [];

  constructor(options: ShopifyEmulatorOptions = {}) {
    super();
    this.searchIndexLagMs = options.searchIndexLagMs ?? 0;
    this.tokens = new Set(options.accessTokens ?? ['test-token']);
    const limit = options.rateLimit ?? { bucketSize: 40, leakPerSecond: 2 };
    if (limit) this.bucket = new LeakyBucket(limit.bucketSize, limit.leakPerSecond);
    this.shopDomain = options.shopDomain ?? 'syncline-test.myshopify.com';
    this.scopes = new Set(
      options.grantedScopes ?? ['read_customers', 'write_customers', DATA_ERASURE_SCOPE],
    );
  }

  /** The connector's `baseUrl`: the Admin API base with its version. */
  apiBaseUrl(version = DEFAULT_API_VERSION): string {
    return `${this.server.baseUrl}/admin/api/${version}`;
  }
  resetRateLimit(): void {
    this.bucket?.reset();
  }

  /**
   * The next matching requests are carried out (a create creates), and then answered 504
   * Gateway Timeout instead of their result, as when Shopify finishes a request its edge gave
   * up waiting for: the client cannot tell whether it took effect. Applied in the order given.
   */
  loseAnswers(spec: LostAnswerSpec = {}): void {
    this.lostAnswers.push({ ...spec, remaining: spec.times ?? 1 });
  }

  /** `count` sample customers, or the given ones; `updated_at` = `at` (default now). */
  seedCustomers(input: number | CustomerInput[], options: { at?: number } = {}): StoredCustomer[] {
    const list =
      typeof input === 'number'
        ? Array.from({ length: input }, (_, i) => sampleCustomer(i))
        : input;
    return list.map((customer) => this.store.create(customer, options.at));
  }

  createCustomer(input: CustomerInput, at?: number): StoredCustomer {
    return this.store.create(input, at);
  }

  updateCustomer(id: number, changes: CustomerInput, at?: number): StoredCustomer {
    return this.store.update(id, changes, at);
  }

  deleteCustomer(id: number): StoredCustomer {
    return this.store.delete(id);
  }

  /** POSTs a signed delivery for `customer` (or a deleted id) to `url`, as Shopify does. */
  sendWebhook(
    url: string,
    topic: ShopifyWebhookTopic,
    customer: StoredCustomer | number,
    options: SendWebhookOptions,
  ): Promise<SentWebhook> {
    return sendShopifyWebhook(url, topic, customer, {
      shopDomain: this.shopDomain,
      apiVersion: DEFAULT_API_VERSION,
      ...options,
    });
  }

  protected handle(request: EmulatorRequest): EmulatorResponse {
    const now = Date.now();
    const match = request.path.match(API_PREFIX);
    const version = match?.[1] ?? DEFAULT_API_VERSION;
    const headers: Record<string, string> = { 'x-shopify-api-version': version };
    if (!this.authorised(request)) return { ...unauthorised(), headers };
    // GraphQL has its own cost-based limit (not emulated); the bucket is REST's.
    if (match?.[2] === '/graphql.json') {
      if (request.method !== 'POST') return { ...notFound(), headers };
      return { ...graphql(this.store, request.body, this.scopes, now), headers };
    }
    if (this.bucket && !this.bucket.tryAdd(now)) {
      return {
        status: 429,
        headers: { ...headers, ...this.callLimit(now), 'retry-after': '2.0' },
        body: {
          errors:
            'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.',
        },
      };
    }
    const carriedOut = match ? this.route(request, match[2], version, now) : notFound();
    const response = this.takeLostAnswer(request.method, match?.[2]) ? { status: 504 } : carriedOut;
    return { ...response, headers: { ...headers, ...this.callLimit(now), ...response.headers } };
  }

  private route(
    request: EmulatorRequest,
    path: string,
    version: string,
    now: number,
  ): EmulatorResponse {
    if (request.method !== 'GET') return this.write(request, path, now);
    if (path === '/customers.json') return this.list(request, version);
    if (path === '/customers/count.json') return this.count(request);
    if (path === '/customers/search.json') {
      return searchCustomers(this.store, request, (customer) => this.searchable(customer, now));
    }
    if (path === '/shop.json') return { status: 200, body: { shop: this.shop() } };
    const one = path.match(/^\/customers\/(\d+)\.json$/);
    if (one) {
      const customer = this.store.get(Number(one[1]));
      return customer ? { status: 200, body: { customer: toWire(customer) } } : notFound();
    }
    return notFound();
  }

  private write(request: EmulatorRequest, path: string, now: number): EmulatorResponse {
    if (!this.scopes.has('write_customers')) {
      return {
        status: 403,
        body: { errors: '[API] This action requires merchant approval for write_customers scope.' },
      };
    }
    const { method, body } = request;
    if (path === '/customers.json' && method === 'POST') {
      const created = createCustomer(this.store, body, now);
      const id = (created.body as { customer?: { id?: number } } | undefined)?.customer?.id;
      if (id !== undefined) this.searchableFrom.set(id, now + this.searchIndexLagMs);
      return created;
    }
    const one = path.match(/^\/customers\/(\d+)\.json$/);
    if (one && method === 'PUT') return updateCustomer(this.store, Number(one[1]), body, now);
    if (one && method === 'DELETE') return deleteCustomer(this.store, Number(one[1]));
    const addresses = path.match(/^\/customers\/(\d+)\/addresses\.json$/);
    if (addresses && method === 'POST') {
      return createAddress(this.store, Number(addresses[1]), body, now);
    }
    const address = path.match(/^\/customers\/(\d+)\/addresses\/(\d+)\.json$/);
    if (address && method === 'PUT') {
      return updateAddress(this.store, Number(address[1]), Number(address[2]), body, now);
    }
    return notFound();
  }

  /** GET customers.json: id order, `Link` header paging, filters carried by `page_info`. */
  private list(request: EmulatorRequest, version: string): EmulatorResponse {
    const limit = Number(queryValue(request, 'limit') ?? LIST_DEFAULT_LIMIT);
    if (!Number.isInteger(limit) || limit < 1 || limit > LIST_MAX_LIMIT) {
      return badRequest({ limit: `limit must be between 1 and ${LIST_MAX_LIMIT}` });
    }
    const pageInfo = queryValue(request, 'page_info');
    let filters: CustomerFilters;
    let candidates: StoredCustomer[];
    if (pageInfo !== undefined) {
      const extra = Object.keys(request.query).find((name) => !PAGE_PARAMS.has(name));
      if (extra)
        return badRequest({ [extra]: `${extra} cannot be passed when page_info is present.` });
      const token = decodePageToken(pageInfo);
      if (!token) return badRequest({ page_info: 'Invalid value.' });
      filters = token.filters;
      const matching = this.matching(filters);
      candidates =
        token.direction === 'next'
          ? matching.filter((c) => c.id > token.boundaryId)
          : matching.filter((c) => c.id < token.boundaryId).slice(-limit);
    } else {
      filters = {};
      for (const name of FILTER_PARAMS) {
        const value = queryValue(request, name);
        if (value !== undefined) filters[name] = value;
      }
      const invalid = invalidDate(filters);
      if (invalid) return badRequest({ [invalid]: 'Invalid date.' });
      candidates = this.matching(filters);
    }
    const page = candidates.slice(0, limit);
    const fields = queryValue(request, 'fields');
    const links: string[] = [];
    const link = (direction: 'next' | 'previous', boundaryId: number) => {
      const token = encodePageToken({ direction, boundaryId, filters });
      const kept = fields ? `&fields=${encodeURIComponent(fields)}` : '';
      const url = `${this.baseUrl}/admin/api/${version}/customers.json?limit=${limit}${kept}&page_info=${token}`;
      links.push(`<${url}>; rel="${direction}"`);
    };
    const all = this.matching(filters);
    if (page.length > 0 && all[0].id < page[0].id) link('previous', page[0].id);
    if (page.length > 0 && all[all.length - 1].id > page[page.length - 1].id) {
      link('next', page[page.length - 1].id);
    }
    return {
      status: 200,
      headers: links.length > 0 ? { link: links.join(', ') } : {},
      body: { customers: page.map((customer) => pickFields(toWire(customer), fields)) },
    };
  }

  private count(request: EmulatorRequest): EmulatorResponse {
    const filters: CustomerFilters = {};
    for (const name of FILTER_PARAMS) {
      const value = queryValue(request, name);
      if (value !== undefined) filters[name] = value;
    }
    const invalid = invalidDate(filters);
    if (invalid) return badRequest({ [invalid]: 'Invalid date.' });
    return { status: 200, body: { count: this.matching(filters).length } };
  }

  private matching(filters: CustomerFilters): StoredCustomer[] {
    const time = (value: string | undefined, otherwise: number) =>
      value ? Date.parse(value) : otherwise;
    const createdMin = time(filters.created_at_min, -Infinity);
    const createdMax = time(filters.created_at_max, Infinity);
    const min = time(filters.updated_at_min, -Infinity);
    const max = time(filters.updated_at_max, Infinity);
    const sinceId = filters.since_id ? Number(filters.since_id) : -Infinity;
    const ids = filters.ids ? new Set(filters.ids.split(',').map(Number)) : undefined;
    return this.store
      .all()
      .filter(
        (c) =>
          c.createdAt >= createdMin &&
          c.createdAt <= createdMax &&
          c.updatedAt >= min &&
          c.updatedAt <= max &&
          c.id > sinceId &&
          (!ids || ids.has(c.id)),
      );
  }

  private searchable(customer: StoredCustomer, now: number): boolean {
    return (this.searchableFrom.get(customer.id) ?? -Infinity) <= now;
  }

  private takeLostAnswer(method: string, path: string | undefined): boolean {
    const index = this.lostAnswers.findIndex(
      (spec) =>
        (!spec.method || spec.method.toUpperCase() === method) &&
        (!spec.path || spec.path === path),
    );
    if (index < 0) return false;
    const spec = this.lostAnswers[index];
    spec.remaining -= 1;
    if (spec.remaining <= 0) this.lostAnswers.splice(index, 1);
    return true;
  }

  private shop() {
    return {
      id: 548380009,
      name: 'Syncline Test Shop',
      email: 'owner@example.com',
      domain: this.shopDomain,
      myshopify_domain: this.shopDomain,
      country_code: 'US',
      currency: 'USD',
      iana_timezone: 'America/New_York',
      timezone: '(GMT-05:00) Eastern Time (US & Canada)',
      plan_name: 'basic',
    };
  }

  private authorised(request: EmulatorRequest): boolean {
    const token = request.headers['x-shopify-access-token'];
    return token !== undefined && this.tokens.has(token);
  }

  private callLimit(now: number): Record<string, string> {
    if (!this.bucket) return {};
    return {
      'x-shopify-shop-api-call-limit': `${this.bucket.used(now)}/${this.bucket.size}`,
    };
  }

  /** Control routes under /__emulator/shopify/… for out-of-process tests. */
  protected override admin(request: EmulatorRequest): EmulatorResponse | undefined {
    const route = `${request.method} ${request.path}`;
    if (route === 'POST /__emulator/shopify/customers') {
      const body = (request.body ?? {}) as {
        count?: number;
        customers?: CustomerInput[];
        at?: number;
      };
      const created = this.seedCustomers(body.customers ?? body.count ?? 0, { at: body.at });
      return { status: 201, body: { customers: created.map(toWire) } };
    }
    const one = request.path.match(/^\/__emulator\/shopify\/customers\/(\d+)$/);
    if (one && request.method === 'PUT') {
      const body = (request.body ?? {}) as { customer?: CustomerInput; at?: number };
      const customer = this.updateCustomer(Number(one[1]), body.customer ?? {}, body.at);
      return { status: 200, body: { customer: toWire(customer) } };
    }
    if (one && request.method === 'DELETE') {
      this.deleteCustomer(Number(one[1]));
      return { status: 204 };
    }
    if (route === 'POST /__emulator/shopify/lost-answers') {
      this.loseAnswers((request.body ?? {}) as LostAnswerSpec);
      return { status: 201, body: { queued: this.lostAnswers.length } };
    }
    if (route === 'POST /__emulator/reset') {
      this.store.clear();
      this.searchableFrom.clear();
      this.lostAnswers = [];
      this.resetRateLimit();
      this.server.clearRequests();
      this.server.clearFaults();
      return { status: 204 };
    }
    return undefined;
  }
}

export function sampleCustomer(i: number): CustomerInput {
  return {
    email: `customer${i}@example.com`,
    first_name: `First${i}`,
    last_name: `Last${i}`,
    phone: `+1613555${String(i).padStart(4, '0')}`,
    state: 'enabled',
    tags: i % 2 === 0 ? 'vip, newsletter' : '',
    default_address: {
      address1: `${i} Main St`,
      city: 'Ottawa',
      province: 'Ontario',
      province_code: 'ON',
      country: 'Canada',
      country_code: 'CA',
      zip: 'K1A 0B1',
    },
  };
}

function queryValue(request: EmulatorRequest, name: string): string | undefined {
  const value = request.query[name];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

function invalidDate(filters: CustomerFilters): string | undefined {
  for (const name of [
    'created_at_min',
    'created_at_max',
    'updated_at_min',
    'updated_at_max',
  ] as const) {
    const value = filters[name];
    if (value !== undefined && Number.isNaN(Date.parse(value))) return name;
  }
  return undefined;
}

function unauthorised(): EmulatorResponse {
  return {
    status: 401,
    body: {
      errors: '[API] Invalid API key or access token (unrecognized login or wrong password)',
    },
  };
}

function notFound(): EmulatorResponse {
  return { status: 404, body: { errors: 'Not Found' } };
}

function badRequest(errors: Record<string, string>): EmulatorResponse {
  return { status: 400, body: { errors } };
}

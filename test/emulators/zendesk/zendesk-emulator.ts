/**
 * A stateful emulator of Zendesk Support's Users API: the cursor-based incremental export,
 * show/show_many/search, create_or_update, update, soft and permanent delete, API token auth
 * (Basic `{email}/token:{token}`), and the account, export and per-user rate limits, with
 * Zendesk's own bodies and headers. It also sends signed event webhooks. Built on
 * `VendorEmulator`, so it records requests and takes injected faults.
 */
import { VendorEmulator, type EmulatorRequest, type EmulatorResponse } from '../common';
import {
  forbidden,
  invalidEndpoint,
  invalidValue,
  recordInvalid,
  recordNotFound,
  tooManyRequests,
  unauthorised,
} from './errors';
import {
  decodeExportCursor,
  encodeExportCursor,
  isAfter,
  type ExportPosition,
} from './export-cursor';
import { FixedWindow } from './fixed-window';
import {
  sendZendeskWebhook,
  type SendZendeskWebhookOptions,
  type SentZendeskWebhook,
  type ZendeskUserEventType,
} from './send-webhook';
import { toWire, UserStore, type StoredUser, type UserInput } from './user-store';
import { validateUser } from './validate-user';

type Limit = { max: number; intervalMs: number } | false;

export interface ZendeskEmulatorOptions {
  /** API tokens accepted (for any agent or admin's email). Default `['test-token']`. */
  apiTokens?: string[];
  /** The account owner (an admin), created with the account. Default `admin@example.com`. */
  ownerEmail?: string;
  /** The account's plan limit; `false` disables it. Default 200 per minute (Team). */
  rateLimit?: Limit;
  /** The incremental export's own limit. Default 10 per minute. */
  exportRateLimit?: Limit;
  /** Updates of one user. Default 5 per minute. */
  userUpdateRateLimit?: Limit;
  /** The export leaves out users changed this recently. Zendesk: one minute. */
  exportHoldBackMs?: number;
  /** Custom user field keys defined on the account. Default `['company']`. */
  userFieldKeys?: string[];
  accountId?: number;
}

const API = '/api/v2';
const EXPORT_MAX_PAGE = 1000;
const SHOW_MANY_MAX = 100;
const ACCOUNT_LIMIT_MESSAGE = 'Number of allowed API requests per minute exceeded';
const EXPORT_LIMIT_MESSAGE =
  'Number of allowed incremental export API requests per minute exceeded';

interface Caller {
  user: StoredUser;
}

export class ZendeskEmulator extends VendorEmulator {
  readonly store: UserStore;
  /** The account owner (an admin), whose email the default API token authenticates. */
  owner: StoredUser;
  private readonly ownerEmail: string;
  readonly accountId: number;
  exportHoldBackMs: number;
  private readonly tokens: Set<string>;
  private readonly account?: FixedWindow;
  private readonly exportWindow?: FixedWindow;
  private readonly userUpdateLimit: Limit;
  private readonly userWindows = new Map<number, FixedWindow>();

  constructor(options: ZendeskEmulatorOptions = {}) {
    super();
    this.store = new UserStore(options.userFieldKeys ?? ['company']);
    this.tokens = new Set(options.apiTokens ?? ['test-token']);
    const account = options.rateLimit ?? { max: 200, intervalMs: 60_000 };
    if (account) this.account = new FixedWindow(account.max, account.intervalMs);
    const exportLimit = options.exportRateLimit ?? { max: 10, intervalMs: 60_000 };
    if (exportLimit) this.exportWindow = new FixedWindow(exportLimit.max, exportLimit.intervalMs);
    this.userUpdateLimit = options.userUpdateRateLimit ?? { max: 5, intervalMs: 60_000 };
    this.exportHoldBackMs = options.exportHoldBackMs ?? 60_000;
    this.accountId = options.accountId ?? 12514403;
    this.ownerEmail = options.ownerEmail ?? 'admin@example.com';
    this.owner = this.createOwner();
  }

  /** The owner exists from the account's creation, and the export returns them like anyone. */
  private createOwner(): StoredUser {
    const owner = this.store.create(
      { name: 'Account Owner', email: this.ownerEmail, role: 'admin' },
      Date.UTC(2020, 0, 1),
    );
    owner.verified = true;
    return owner;
  }

  /** The connector's `baseUrl`: `http://127.0.0.1:<port>/api/v2`. */
  apiBaseUrl(): string {
    return `${this.server.baseUrl}${API}`;
  }

  /** `count` sample end users (or the given ones), `updated_at` = `at` + i seconds. */
  seedUsers(input: number | UserInput[], options: { at?: number } = {}): StoredUser[] {
    const list =
      typeof input === 'number' ? Array.from({ length: input }, (_, i) => sampleUser(i)) : input;
    return list.map((user, i) =>
      this.store.create(user, options.at !== undefined ? options.at + i * 1000 : Date.now()),
    );
  }

  createUser(input: UserInput, at?: number): StoredUser {
    return this.store.create(input, at);
  }

  updateUser(id: number, changes: UserInput, at?: number): StoredUser {
    return this.store.update(id, changes, at);
  }

  /** A soft delete, as `DELETE /users/{id}` or the agent UI does. */
  deleteUser(id: number, at?: number): StoredUser {
    return this.store.softDelete(id, at);
  }

  resetRateLimits(): void {
    this.account?.reset();
    this.exportWindow?.reset();
    this.userWindows.clear();
  }

  /** POSTs a signed event delivery about `user` to `url`, as Zendesk does. */
  sendWebhook(
    url: string,
    type: ZendeskUserEventType,
    user: StoredUser,
    options: SendZendeskWebhookOptions,
  ): Promise<SentZendeskWebhook> {
    return sendZendeskWebhook(url, type, user, { accountId: this.accountId, ...options });
  }

  protected handle(request: EmulatorRequest): EmulatorResponse {
    const path = request.path.replace(/\.json$/, '');
    const auth = this.authenticate(request);
    if (auth === 'anonymous' && request.method === 'GET' && path === `${API}/users/me`) {
      // Zendesk answers "me" without credentials: as the anonymous user.
      return { status: 200, body: { user: anonymousUser() } };
    }
    if (auth === 'anonymous' || auth === 'rejected') return unauthorised();

    const now = Date.now();
    if (this.account && !this.account.tryHit(now)) {
      return tooManyRequests(
        ACCOUNT_LIMIT_MESSAGE,
        this.account.resetSeconds(now),
        this.rateHeaders(now),
      );
    }
    const response = this.route(request, path, auth);
    return { ...response, headers: { ...this.rateHeaders(now), ...response.headers } };
  }

  private route(request: EmulatorRequest, path: string, caller: Caller): EmulatorResponse {
    const { method } = request;
    if (method === 'GET' && path === `${API}/users/me`) {
      return { status: 200, body: { user: this.wire(caller.user) } };
    }
    if (method === 'GET' && path === `${API}/incremental/users/cursor`) {
      return this.export(request, caller);
    }
    if (method === 'GET' && path === `${API}/users/show_many`) return this.showMany(request);
    if (method === 'GET' && path === `${API}/users/search`) return this.search(request);
    if (method === 'POST' && path === `${API}/users/create_or_update`) {
      return isAdmin(caller) ? this.createOrUpdate(request) : forbidden();
    }
    const user = path.match(/^\/api\/v2\/users\/(\d+)$/);
    if (user) return this.oneUser(request, Number(user[1]), caller);
    const identity = path.match(
      /^\/api\/v2\/users\/(\d+)\/identities(?:\/(\d+)(\/make_primary)?)?$/,
    );
    if (identity) {
      const [, userId, identityId, makePrimary] = identity;
      return this.identities(request, Number(userId), identityId, Boolean(makePrimary), caller);
    }
    const deleted = path.match(/^\/api\/v2\/deleted_users\/(\d+)$/);
    if (deleted) return this.deletedUser(request, Number(deleted[1]), caller);
    return invalidEndpoint();
  }

  /**
   * `GET /incremental/users/cursor.json`: admins only; `start_time` (unix seconds, at least a
   * minute old) or `cursor`; users in (`updated_at`, id) order, leaving out the last minute;
   * `after_cursor` always set, so a caught-up client polls on from it.
   */
  private export(request: EmulatorRequest, caller: Caller): EmulatorResponse {
    if (!isAdmin(caller)) return forbidden();
    const now = Date.now();
    if (this.exportWindow && !this.exportWindow.tryHit(now)) {
      return tooManyRequests(EXPORT_LIMIT_MESSAGE, this.exportWindow.resetSeconds(now));
    }
    const perPage = Number(queryValue(request, 'per_page') ?? EXPORT_MAX_PAGE);
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > EXPORT_MAX_PAGE) {
      return invalidValue(`per_page must be between 1 and ${EXPORT_MAX_PAGE}`);
    }
    const cursor = queryValue(request, 'cursor');
    const startTime = queryValue(request, 'start_time');
    let position: ExportPosition;
    if (cursor !== undefined) {
      const decoded = decodeExportCursor(cursor);
      if (!decoded) return invalidValue('Invalid cursor');
      position = decoded;
    } else if (startTime !== undefined) {
      const seconds = Number(startTime);
      if (!/^\d+$/.test(startTime)) return invalidValue('start_time must be a unix timestamp');
      if (seconds * 1000 > now - 60_000) {
        return invalidValue('Too recent start_time. Use a start_time at least one minute old');
      }
      // Inclusive: users updated at exactly start_time are included.
      position = { updatedAt: seconds * 1000 - 1, id: Number.MAX_SAFE_INTEGER };
    } else {
      return invalidValue('start_time or cursor is required');
    }

    const horizon = now - this.exportHoldBackMs;
    const eligible = this.store
      .all()
      .filter((user) => user.updatedAt <= horizon)
      .sort((a, b) => a.updatedAt - b.updatedAt || a.id - b.id)
      .filter((user) => isAfter({ updatedAt: user.updatedAt, id: user.id }, position));
    const page = eligible.slice(0, perPage);
    const last = page[page.length - 1];
    const after = encodeExportCursor(last ? { updatedAt: last.updatedAt, id: last.id } : position);
    return {
      status: 200,
      body: {
        users: page.map((user) => this.wire(user)),
        after_url: `${this.apiBaseUrl()}/incremental/users/cursor.json?cursor=${encodeURIComponent(after)}`,
        after_cursor: after,
        before_url: cursor
          ? `${this.apiBaseUrl()}/incremental/users/cursor.json?cursor=${encodeURIComponent(cursor)}`
          : null,
        before_cursor: cursor ?? null,
        end_of_stream: eligible.length <= perPage,
      },
    };
  }

  /** `ids` or `external_ids`, up to 100; live users only, unknown ids left out. */
  private showMany(request: EmulatorRequest): EmulatorResponse {
    const ids = queryValue(request, 'ids');
    const externalIds = queryValue(request, 'external_ids');
    const list = (ids ?? externalIds ?? '').split(',').filter(Boolean);
    if (list.length === 0) return invalidValue('ids or external_ids is required');
    if (list.length > SHOW_MANY_MAX) {
      return invalidValue(`Too many ids: at most ${SHOW_MANY_MAX} are accepted`);
    }
    const users = ids
      ? list.map((id) => this.store.get(Number(id))).filter((u) => u?.active)
      : list.map((id) => this.store.findByExternalId(id));
    return { status: 200, body: { users: users.filter(isDefined).map((u) => this.wire(u)) } };
  }

  /** `query=email:<address>` (exact), free text over name and email, or `external_id=`. */
  private search(request: EmulatorRequest): EmulatorResponse {
    const externalId = queryValue(request, 'external_id');
    const query = (queryValue(request, 'query') ?? '').trim();
    let users: StoredUser[];
    if (externalId !== undefined) {
      users = [this.store.findByExternalId(externalId)].filter(isDefined);
    } else if (query.startsWith('email:')) {
      users = [this.store.findByEmail(query.slice('email:'.length).replace(/"/g, ''))].filter(
        isDefined,
      );
    } else {
      const text = query.toLowerCase();
      users = this.store
        .live()
        .filter(
          (u) => u.name.toLowerCase().includes(text) || !!u.email?.toLowerCase().includes(text),
        );
    }
    return {
      status: 200,
      body: {
        users: users.map((u) => this.wire(u)),
        next_page: null,
        previous_page: null,
        count: users.length,
      },
    };
  }

  /**
   * `POST /users/create_or_update.json`: matches a live user on `external_id` (case
   * insensitive) or else on email; 200 updated / 201 created, with `Location`.
   */
  private createOrUpdate(request: EmulatorRequest): EmulatorResponse {
    const input = (request.body as { user?: UserInput } | undefined)?.user;
    if (!input || typeof input !== 'object') return invalidValue('user is required');
    const existing =
      (input.external_id ? this.store.findByExternalId(input.external_id) : undefined) ??
      (input.email ? this.store.findByEmail(input.email) : undefined);
    const invalid = validateUser(input, this.store, existing);
    if (invalid) return recordInvalid(invalid);
    if (existing) {
      const limited = this.userUpdateLimited(existing);
      if (limited) return limited;
      const user = this.updateThroughApi(existing, input);
      return { status: 200, headers: this.location(user), body: { user: this.wire(user) } };
    }
    const user = this.store.create(input);
    return { status: 201, headers: this.location(user), body: { user: this.wire(user) } };
  }

  private oneUser(request: EmulatorRequest, id: number, caller: Caller): EmulatorResponse {
    const user = this.store.get(id);
    if (!user || user.permanentlyDeleted) return recordNotFound();
    if (request.method === 'GET') return { status: 200, body: { user: this.wire(user) } };
    if (!isAdmin(caller)) return forbidden();
    if (!user.active) return recordNotFound();
    if (request.method === 'PUT') {
      const input = (request.body as { user?: UserInput } | undefined)?.user;
      if (!input || typeof input !== 'object') return invalidValue('user is required');
      const invalid = validateUser(input, this.store, user);
      if (invalid) return recordInvalid(invalid);
      const limited = this.userUpdateLimited(user);
      if (limited) return limited;
      return { status: 200, body: { user: this.wire(this.updateThroughApi(user, input)) } };
    }
    if (request.method === 'DELETE') {
      if (user.id === this.owner.id) return forbidden();
      return { status: 200, body: { user: this.wire(this.store.softDelete(id)) } };
    }
    return invalidEndpoint();
  }

  /** Soft-deleted users only: an active one must be deleted first (404 until then). */
  private deletedUser(request: EmulatorRequest, id: number, caller: Caller): EmulatorResponse {
    const user = this.store.get(id);
    if (!user || user.active || user.permanentlyDeleted) return recordNotFound();
    if (request.method === 'GET') return { status: 200, body: { deleted_user: this.wire(user) } };
    if (request.method !== 'DELETE') return invalidEndpoint();
    if (!isAdmin(caller)) return forbidden();
    return { status: 200, body: { deleted_user: this.wire(this.store.permanentlyDelete(id)) } };
  }

  /**
   * A user update through the API. Its `email` is "writeable on create only. On update, a
   * secondary email is added" (Zendesk's Users API): a user who has an email keeps it as the
   * primary; the primary changes only through the identities endpoints.
   */
  private updateThroughApi(user: StoredUser, input: UserInput): StoredUser {
    const { email, ...rest } = input;
    if (!email || !user.email) return this.store.update(user.id, input);
    const updated = this.store.update(user.id, rest);
    const known = this.store
      .identities(user.id)
      .some((identity) => identity.value.toLowerCase() === email.toLowerCase());
    if (!known) this.store.addEmailIdentity(user.id, email);
    return updated;
  }

  /**
   * The user's identities (email ones here): `GET` lists them, `POST` adds one, `PUT` on one
   * changes its value, `PUT …/make_primary` makes it the primary email.
   */
  private identities(
    request: EmulatorRequest,
    userId: number,
    identityId: string | undefined,
    makePrimary: boolean,
    caller: Caller,
  ): EmulatorResponse {
    const user = this.store.get(userId);
    if (!user || !user.active) return recordNotFound();
    if (request.method === 'GET' && identityId === undefined) {
      const identities = this.store.identities(userId);
      return {
        status: 200,
        body: { identities, next_page: null, previous_page: null, count: identities.length },
      };
    }
    if (!isAdmin(caller)) return forbidden();
    const body = (request.body as { identity?: { type?: string; value?: unknown } }) ?? {};
    const value = typeof body.identity?.value === 'string' ? body.identity.value.trim() : '';
    if (request.method === 'POST' && identityId === undefined) {
      if (body.identity?.type !== 'email') return invalidValue('identity type must be email');
      const invalid = validateUser({ email: value }, this.store, user);
      if (invalid || !value) return recordInvalid(invalid ?? { value: [blank()] });
      return { status: 201, body: { identity: this.store.addEmailIdentity(userId, value) } };
    }
    const existing = this.store.identities(userId).find((i) => String(i.id) === identityId);
    if (request.method !== 'PUT' || !existing) return recordNotFound();
    if (makePrimary) {
      this.store.makePrimary(userId, existing.id);
      return { status: 200, body: { identities: this.store.identities(userId) } };
    }
    const invalid = validateUser({ email: value }, this.store, user);
    if (invalid || !value) return recordInvalid(invalid ?? { value: [blank()] });
    return {
      status: 200,
      body: { identity: this.store.updateEmailIdentity(userId, existing.id, value) },
    };
  }

  private userUpdateLimited(user: StoredUser): EmulatorResponse | undefined {
    if (!this.userUpdateLimit) return undefined;
    const now = Date.now();
    let window = this.userWindows.get(user.id);
    if (!window) {
      window = new FixedWindow(this.userUpdateLimit.max, this.userUpdateLimit.intervalMs);
      this.userWindows.set(user.id, window);
    }
    if (window.tryHit(now)) return undefined;
    return tooManyRequests(
      `You have exceeded the rate limit for updating a single unique user. user email: ${user.email ?? ''} id: ${user.id} external_id: ${user.external_id ?? ''}`,
      window.resetSeconds(now),
    );
  }

  private authenticate(request: EmulatorRequest): Caller | 'anonymous' | 'rejected' {
    const header = request.headers.authorization;
    if (!header) return 'anonymous';
    const match = header.match(/^Basic\s+(.+)$/i);
    if (!match) return 'rejected';
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const split = decoded.indexOf(':');
    const login = decoded.slice(0, split);
    const token = decoded.slice(split + 1);
    if (split < 0 || !login.endsWith('/token') || !this.tokens.has(token)) return 'rejected';
    const user = this.store.findByEmail(login.slice(0, -'/token'.length));
    if (!user || user.role === 'end-user' || user.suspended) return 'rejected';
    return { user };
  }

  private rateHeaders(now: number): Record<string, string> {
    if (!this.account) return {};
    const limit = String(this.account.max);
    const remaining = String(this.account.remaining(now));
    return {
      'x-rate-limit': limit,
      'x-rate-limit-remaining': remaining,
      'ratelimit-limit': limit,
      'ratelimit-remaining': remaining,
      'ratelimit-reset': String(this.account.resetSeconds(now)),
    };
  }

  private location(user: StoredUser): Record<string, string> {
    return { location: `${this.apiBaseUrl()}/users/${user.id}.json` };
  }

  private wire(user: StoredUser) {
    return toWire(user, this.apiBaseUrl());
  }

  /** Control routes under /__emulator/zendesk/… for out-of-process tests. */
  protected override admin(request: EmulatorRequest): EmulatorResponse | undefined {
    const route = `${request.method} ${request.path}`;
    if (route === 'POST /__emulator/zendesk/users') {
      const body = (request.body ?? {}) as { count?: number; users?: UserInput[]; at?: number };
      const created = this.seedUsers(body.users ?? body.count ?? 0, { at: body.at });
      return { status: 201, body: { users: created.map((u) => this.wire(u)) } };
    }
    const one = request.path.match(/^\/__emulator\/zendesk\/users\/(\d+)$/);
    if (one && request.method === 'GET') {
      const user = this.store.get(Number(one[1]));
      return user ? { status: 200, body: { user: this.wire(user) } } : recordNotFound();
    }
    if (one && request.method === 'PUT') {
      const body = (request.body ?? {}) as { user?: UserInput; at?: number };
      const user = this.updateUser(Number(one[1]), body.user ?? {}, body.at);
      return { status: 200, body: { user: this.wire(user) } };
    }
    if (one && request.method === 'DELETE') {
      this.deleteUser(Number(one[1]));
      return { status: 204 };
    }
    if (route === 'POST /__emulator/reset') {
      this.store.clear();
      this.owner = this.createOwner();
      this.resetRateLimits();
      this.server.clearRequests();
      this.server.clearFaults();
      return { status: 204 };
    }
    return undefined;
  }
}

export function sampleUser(i: number): UserInput {
  return {
    name: `First${i} Last${i}`,
    email: `user${i}@example.com`,
    phone: `+1555010${String(i).padStart(4, '0')}`,
    locale: i % 2 === 0 ? 'en-US' : 'fr',
    time_zone: i % 2 === 0 ? 'Eastern Time (US & Canada)' : 'Europe/Paris',
    tags: i % 3 === 0 ? ['vip'] : [],
    user_fields: { company: i % 2 === 0 ? `Company ${i}` : null },
  };
}

/** What `GET /users/me` answers without credentials. */
function anonymousUser() {
  return {
    id: null,
    url: null,
    name: 'Anonymous user',
    email: 'invalid@example.com',
    role: 'end-user',
    locale: 'en-US',
    time_zone: 'Eastern Time (US & Canada)',
    active: true,
    verified: false,
    authenticity_token: 'anonymous-authenticity-token',
  };
}

function isAdmin(caller: Caller): boolean {
  return caller.user.role === 'admin';
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}

function queryValue(request: EmulatorRequest, name: string): string | undefined {
  const value = request.query[name];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

function blank() {
  return { description: 'Value: cannot be blank', error: 'BlankValue' };
}

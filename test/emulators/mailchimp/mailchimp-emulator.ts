/**
 * A stateful emulator of the Mailchimp Marketing API 3.0 for audience members: Basic auth
 * with the API key, list members with offset paging and `since_last_changed`, the PUT
 * upsert by subscriber hash, archiving and permanent deletion, webhooks (registration with
 * the validation GET, form-encoded deliveries), and Mailchimp's only rate limit: at most 10
 * simultaneous connections per user, answered 429 with its problem body. Built on
 * `VendorEmulator`, so it records requests and takes injected faults.
 */
import { randomUUID } from 'node:crypto';
import { VendorEmulator, type EmulatorRequest, type EmulatorResponse } from '../common';
import { ConnectionLimit } from './connection-limit';
import { selectFields } from './fields-filter';
import {
  DEFAULT_MERGE_FIELDS,
  link,
  MemberStore,
  subscriberHash,
  toWire,
  WRITABLE_STATUSES,
  type MemberChange,
  type MemberInput,
  type MemberStatus,
  type MergeValue,
  type StoredMember,
} from './member-store';
import { fieldErrors, invalidResource, notFound, problem } from './problem';
import {
  memberWebhookData,
  sendMailchimpWebhook,
  type MailchimpWebhookType,
  type SendMailchimpWebhookOptions,
  type SentMailchimpWebhook,
  type WebhookData,
} from './send-webhook';
import { WebhookRegistry, type WebhookRegistration, type WebhookSource } from './webhook-registry';

export interface MailchimpEmulatorOptions {
  /** API keys accepted (any Basic-auth user name). Default `[DEFAULT_API_KEY]`. */
  apiKeys?: string[];
  /** Audience ids (and names). Default one audience, `DEFAULT_LIST_ID`. */
  lists?: Record<string, string>;
  /** Simultaneous requests per API key; `false` disables the limit. Default 10. */
  maxConnections?: number | false;
  /** How long each accepted request is held before it is answered (lets concurrency build). */
  latencyMs?: number;
  /** Addresses Mailchimp would call fake. Default: the reserved `.invalid` TLD, `fake@…`. */
  isFakeEmail?: (email: string) => boolean;
  /** Merge fields of every audience. Default FNAME, LNAME, ADDRESS, PHONE, BIRTHDAY. */
  mergeFields?: string[];
}

export const DEFAULT_API_KEY = '0123456789abcdef0123456789abcdef-us19';
export const DEFAULT_LIST_ID = 'a1b2c3d4e5';

const API_PREFIX = '/3.0';
const MAX_COUNT = 1000;
const SORT_FIELDS = ['timestamp_opt', 'timestamp_signup', 'last_changed'] as const;
const EMAIL_SYNTAX = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export class MailchimpEmulator extends VendorEmulator {
  readonly webhooks = new WebhookRegistry();
  private readonly lists = new Map<string, MemberStore>();
  private readonly keys: Set<string>;
  private readonly limit?: ConnectionLimit;
  private readonly latencyMs: number;
  private readonly isFake: (email: string) => boolean;

  constructor(options: MailchimpEmulatorOptions = {}) {
    super();
    this.keys = new Set(options.apiKeys ?? [DEFAULT_API_KEY]);
    const lists = options.lists ?? { [DEFAULT_LIST_ID]: 'Syncline test audience' };
    for (const [id, name] of Object.entries(lists)) {
      this.lists.set(id, new MemberStore(id, name, options.mergeFields ?? DEFAULT_MERGE_FIELDS));
    }
    const max = options.maxConnections ?? 10;
    if (max !== false) this.limit = new ConnectionLimit(max);
    this.latencyMs = options.latencyMs ?? 0;
    this.isFake =
      options.isFakeEmail ?? ((email) => /\.invalid$/i.test(email) || /^fake@/i.test(email.trim()));
  }

  /** The connector's `baseUrl`: `http://127.0.0.1:<port>/3.0`. */
  apiBaseUrl(): string {
    return `${this.server.baseUrl}${API_PREFIX}`;
  }

  store(listId: string = DEFAULT_LIST_ID): MemberStore {
    const store = this.lists.get(listId);
    if (!store) throw new Error(`No audience ${listId}`);
    return store;
  }

  member(emailOrId: string, listId?: string): StoredMember | undefined {
    return this.store(listId).get(emailOrId.includes('@') ? subscriberHash(emailOrId) : emailOrId);
  }

  /**
   * `count` sample members (or the given ones), as an import would add them: no webhooks.
   * `last_changed` = `at` (default now) plus `spacingMs × index`.
   */
  seedMembers(
    input: number | MemberInput[],
    options: { at?: number; spacingMs?: number; listId?: string } = {},
  ): StoredMember[] {
    const list =
      typeof input === 'number' ? Array.from({ length: input }, (_, i) => sampleMember(i)) : input;
    const at = options.at ?? Date.now();
    const store = this.store(options.listId);
    return list.map((member, i) =>
      store.create(member, 'Import', at + i * (options.spacingMs ?? 0)),
    );
  }

  /** A change made by an admin in Mailchimp: bumps `last_changed`, fires admin webhooks. */
  updateMember(
    id: string,
    changes: Partial<MemberInput>,
    options: { at?: number; listId?: string } = {},
  ): StoredMember {
    const store = this.store(options.listId);
    const change = store.update(id, changes, options.at);
    this.announce(store, change, 'admin');
    return change.member;
  }

  archiveMember(id: string, options: { at?: number; listId?: string } = {}): StoredMember {
    return this.updateMember(id, { status: 'archived' }, options);
  }

  /** POSTs a delivery like Mailchimp's to `url` (which carries the receiver's token). */
  sendWebhook(
    url: string,
    type: MailchimpWebhookType,
    memberOrData: StoredMember | WebhookData,
    options: SendMailchimpWebhookOptions & {
      previousEmail?: string;
      action?: 'unsub' | 'delete';
      listId?: string;
    } = {},
  ): Promise<SentMailchimpWebhook> {
    const data =
      'seq' in memberOrData && type !== 'campaign'
        ? memberWebhookData(type, memberOrData as StoredMember, options.listId ?? DEFAULT_LIST_ID, {
            previousEmail: options.previousEmail,
            action: options.action,
          })
        : (memberOrData as WebhookData);
    return sendMailchimpWebhook(url, type, data, options);
  }

  /** Waits for every webhook delivery the emulator started. */
  flushWebhooks(): Promise<void> {
    return this.webhooks.flush();
  }

  reset(): void {
    for (const store of this.lists.values()) store.clear();
    this.webhooks.clear();
    this.limit?.reset();
    this.server.clearRequests();
    this.server.clearFaults();
  }

  protected async handle(request: EmulatorRequest): Promise<EmulatorResponse> {
    const key = this.apiKey(request);
    if (typeof key !== 'string') return key;
    if (this.limit && !this.limit.tryAcquire(key)) {
      return problem(
        429,
        'Too Many Requests',
        `You have exceeded the limit of ${this.limit.max} simultaneous connections.`,
      );
    }
    try {
      if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
      const response = await this.route(request);
      return { ...response, headers: { 'x-request-id': randomUUID(), ...response.headers } };
    } finally {
      this.limit?.release(key);
    }
  }

  private apiKey(request: EmulatorRequest): string | EmulatorResponse {
    const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (!basic) return problem(401, 'API Key Missing', 'Your request did not include an API key.');
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const key = decoded.slice(decoded.indexOf(':') + 1);
    if (!this.keys.has(key)) {
      return problem(
        401,
        'API Key Invalid',
        "Your API key may be invalid, or you've attempted to access the wrong datacenter.",
      );
    }
    return key;
  }

  private async route(request: EmulatorRequest): Promise<EmulatorResponse> {
    if (!request.path.startsWith(`${API_PREFIX}/`)) return notFound();
    const path = request.path.slice(API_PREFIX.length).replace(/\/+$/, '');
    const method = request.method;
    if (path === '/ping') {
      return method === 'GET'
        ? { status: 200, body: { health_status: "Everything's Chimpy!" } }
        : notAllowed();
    }
    const match =
      /^\/lists\/([^/]+)(?:\/(members|webhooks)(?:\/([^/]+)(\/actions\/delete-permanent|\/tags)?)?)?$/.exec(
        path,
      );
    const store = match ? this.lists.get(decodeURIComponent(match[1])) : undefined;
    if (!match || !store) return notFound();
    const [, , collection, rawId, action] = match;
    const id = rawId === undefined ? undefined : memberId(decodeURIComponent(rawId));

    if (!collection) return method === 'GET' ? this.listInfo(store, request) : notAllowed();
    if (collection === 'webhooks') return this.webhookRoute(store, request, rawId);
    if (action === '/actions/delete-permanent') {
      return method === 'POST' ? this.deletePermanently(store, id!) : notAllowed();
    }
    if (action === '/tags') {
      return method === 'POST' ? this.memberTags(store, id!, request.body) : notAllowed();
    }
    if (id === undefined) {
      if (method === 'GET') return this.listMembers(store, request);
      if (method === 'POST') return this.addMember(store, request.body);
      return notAllowed();
    }
    switch (method) {
      case 'GET': {
        const member = store.get(id);
        return member ? this.wire(store, member, request) : notFound();
      }
      case 'PUT':
        return this.upsert(store, id, request.body);
      case 'PATCH':
        return store.get(id)
          ? this.upsert(store, id, request.body, { mustExist: true })
          : notFound();
      case 'DELETE':
        return this.archive(store, id);
      default:
        return notAllowed();
    }
  }

  private listInfo(store: MemberStore, request: EmulatorRequest): EmulatorResponse {
    const members = store.all();
    const count = (status: MemberStatus) => members.filter((m) => m.status === status).length;
    const self = `${this.apiBaseUrl()}/lists/${store.listId}`;
    const body = {
      id: store.listId,
      web_id: 1001,
      name: store.name,
      stats: {
        member_count: count('subscribed'),
        unsubscribe_count: count('unsubscribed'),
        cleaned_count: count('cleaned'),
      },
      _links: [link('self', self, 'GET', 'Lists/Response.json')],
    };
    return {
      status: 200,
      body: selectFields(body, query(request, 'fields'), query(request, 'exclude_fields')),
    };
  }

  /** GET members: filters, optional sort (ties in creation order), offset paging. */
  private listMembers(store: MemberStore, request: EmulatorRequest): EmulatorResponse {
    const count = integer(query(request, 'count') ?? '10');
    const offset = integer(query(request, 'offset') ?? '0');
    if (count === undefined || count < 0 || count > MAX_COUNT) {
      return fieldErrors([{ field: 'count', message: `Must be between 0 and ${MAX_COUNT}.` }]);
    }
    if (offset === undefined || offset < 0) {
      return fieldErrors([{ field: 'offset', message: 'Must be a non-negative integer.' }]);
    }
    const status = query(request, 'status');
    if (
      status !== undefined &&
      !([...WRITABLE_STATUSES, 'cleaned', 'archived'] as string[]).includes(status)
    ) {
      return fieldErrors([{ field: 'status', message: `"${status}" is not a member status.` }]);
    }
    const since = timeParam(request, 'since_last_changed');
    const before = timeParam(request, 'before_last_changed');
    if (typeof since === 'object') return since;
    if (typeof before === 'object') return before;
    const sortField = query(request, 'sort_field');
    const sortDir = (query(request, 'sort_dir') ?? 'ASC').toUpperCase();
    if (sortField !== undefined && !(SORT_FIELDS as readonly string[]).includes(sortField)) {
      return fieldErrors([{ field: 'sort_field', message: `Cannot sort by "${sortField}".` }]);
    }
    if (sortDir !== 'ASC' && sortDir !== 'DESC') {
      return fieldErrors([{ field: 'sort_dir', message: 'Must be ASC or DESC.' }]);
    }

    // Mailchimp documents the time filters as "after" / "before": both strict.
    let matching = store
      .all()
      .filter(
        (m) =>
          (status === undefined || m.status === status) &&
          (since === undefined || m.lastChanged > since) &&
          (before === undefined || m.lastChanged < before),
      );
    if (sortField) {
      const value = (m: StoredMember) =>
        (sortField === 'last_changed'
          ? m.lastChanged
          : sortField === 'timestamp_opt'
            ? m.timestampOpt
            : m.timestampSignup) ?? -Infinity;
      const direction = sortDir === 'ASC' ? 1 : -1;
      matching = [...matching].sort((a, b) => direction * (value(a) - value(b)) || a.seq - b.seq);
    }
    const base = this.apiBaseUrl();
    const body = {
      members: matching.slice(offset, offset + count).map((m) => toWire(m, store, base)),
      list_id: store.listId,
      total_items: matching.length,
      _links: [
        link(
          'self',
          `${base}/lists/${store.listId}/members`,
          'GET',
          'Lists/Members/CollectionResponse.json',
        ),
        link('parent', `${base}/lists/${store.listId}`, 'GET'),
        link('create', `${base}/lists/${store.listId}/members`, 'POST'),
      ],
    };
    return {
      status: 200,
      body: selectFields(body, query(request, 'fields'), query(request, 'exclude_fields')),
    };
  }

  /** POST members: adds a new member; an existing one is "Member Exists". */
  private addMember(store: MemberStore, body: unknown): EmulatorResponse {
    const input = asObject(body);
    if (!input) return jsonError();
    const email = typeof input.email_address === 'string' ? input.email_address.trim() : '';
    if (!email)
      return fieldErrors([{ field: 'email_address', message: 'This value should not be blank.' }]);
    const existing = store.get(subscriberHash(email));
    if (existing && existing.status !== 'archived') return memberExists(email);
    return this.upsert(store, subscriberHash(email), { ...input, status_if_new: input.status });
  }

  /**
   * `POST …/members/{hash}/tags` with `{tags: [{name, status: "active" | "inactive"}]}`: adds
   * the active names (created when new), removes the inactive ones, leaves the rest; 204.
   */
  private memberTags(store: MemberStore, id: string, body: unknown): EmulatorResponse {
    const input = asObject(body);
    if (!input) return jsonError();
    const member = store.get(id);
    if (!member) return notFound();
    if (!Array.isArray(input.tags)) {
      return fieldErrors([{ field: 'tags', message: 'This value should not be blank.' }]);
    }
    const names = new Set(member.tags.map((tag) => tag.name));
    for (const entry of input.tags) {
      const tag = asObject(entry);
      const name = typeof tag?.name === 'string' ? tag.name.trim() : '';
      if (!name || (tag?.status !== 'active' && tag?.status !== 'inactive')) {
        return fieldErrors([
          {
            field: 'tags',
            message: 'Each tag needs a name and a status of "active" or "inactive".',
          },
        ]);
      }
      if (tag.status === 'active') names.add(name);
      else names.delete(name);
    }
    store.update(id, { tags: [...names] });
    return { status: 204 };
  }

  /**
   * PUT (and PATCH) on a member. A new (or archived) member takes `status`, else
   * `status_if_new`, and its hash must be that of `email_address`; an existing one takes
   * `status` only, and a different `email_address` renames it (its id follows the address).
   * Merge fields are merged; `""` clears one; tags in the body are ignored (they have their
   * own endpoint).
   */
  private upsert(
    store: MemberStore,
    id: string,
    body: unknown,
    options: { mustExist?: boolean } = {},
  ): EmulatorResponse {
    const input = asObject(body);
    if (!input) return jsonError();
    const existing = store.get(id);
    const email = typeof input.email_address === 'string' ? input.email_address.trim() : undefined;
    const status = input.status;
    const statusIfNew = input.status_if_new;
    for (const [field, value] of [
      ['status', status],
      ['status_if_new', statusIfNew],
    ] as const) {
      if (value !== undefined && !(WRITABLE_STATUSES as readonly unknown[]).includes(value)) {
        return fieldErrors([{ field, message: `Value "${String(value)}" is not a valid status.` }]);
      }
    }
    const merges = this.mergeFields(store, input.merge_fields);
    if ('status' in merges) return merges;
    const changes: Partial<MemberInput> = { mergeFields: merges.values };
    if (typeof input.language === 'string') changes.language = input.language;
    if (typeof input.vip === 'boolean') changes.vip = input.vip;
    if (input.email_type === 'html' || input.email_type === 'text')
      changes.emailType = input.email_type;

    if (!existing || existing.status === 'archived') {
      if (options.mustExist && !existing) return notFound();
      const address = email ?? existing?.email;
      if (!address) {
        return fieldErrors([
          { field: 'email_address', message: 'This value should not be blank.' },
        ]);
      }
      const rejected = this.rejectEmail(store, address);
      if (rejected) return rejected;
      if (subscriberHash(address) !== id) {
        return invalidResource('The subscriber hash does not match the email address.');
      }
      const newStatus = (status ?? statusIfNew) as MemberStatus | undefined;
      if (!newStatus) {
        return fieldErrors([
          { field: 'status_if_new', message: 'This value is required for a new member.' },
        ]);
      }
      if (existing) {
        const change = store.update(id, { ...changes, email: address, status: newStatus });
        this.announce(store, change, 'api');
        return this.wire(store, change.member);
      }
      const member = store.create(
        { email: address, status: newStatus, ...changes },
        'API - Generic',
      );
      if (member.status === 'subscribed') this.notify(store, 'subscribe', member, 'api');
      return this.wire(store, member);
    }

    if (email !== undefined && email.toLowerCase() !== existing.email.toLowerCase()) {
      const rejected = this.rejectEmail(store, email);
      if (rejected) return rejected;
      if (store.get(subscriberHash(email))) return memberExists(email);
    }
    if (
      status === 'subscribed' &&
      (existing.status === 'unsubscribed' || existing.status === 'cleaned')
    ) {
      return problem(
        400,
        'Member In Compliance State',
        `${existing.email} is already a list member in compliance state due to unsubscribe, bounce, or compliance review.`,
      );
    }
    const change = store.update(id, {
      ...changes,
      ...(email !== undefined ? { email } : {}),
      ...(status !== undefined ? { status: status as MemberStatus } : {}),
    });
    this.announce(store, change, 'api');
    return this.wire(store, change.member);
  }

  private archive(store: MemberStore, id: string): EmulatorResponse {
    const member = store.get(id);
    if (!member) return notFound();
    if (member.status !== 'archived') this.announce(store, store.archive(id), 'api');
    return { status: 204 };
  }

  private deletePermanently(store: MemberStore, id: string): EmulatorResponse {
    const member = store.get(id);
    if (!member) return notFound();
    store.deletePermanently(id);
    if (member.status !== 'archived') {
      this.webhooks.notify(
        store.listId,
        'unsubscribe',
        memberWebhookData('unsubscribe', member, store.listId, { action: 'delete' }),
        'api',
      );
    }
    return { status: 204 };
  }

  private async webhookRoute(
    store: MemberStore,
    request: EmulatorRequest,
    webhookId: string | undefined,
  ): Promise<EmulatorResponse> {
    if (webhookId === undefined) {
      if (request.method === 'GET') {
        const webhooks = this.webhooks.list(store.listId).map((hook) => this.webhookWire(hook));
        return {
          status: 200,
          body: { webhooks, list_id: store.listId, total_items: webhooks.length },
        };
      }
      if (request.method !== 'POST') return notAllowed();
      const input = asObject(request.body);
      if (!input) return jsonError();
      if (typeof input.url !== 'string' || !/^https?:\/\//.test(input.url)) {
        return fieldErrors([{ field: 'url', message: 'This value should be a valid URL.' }]);
      }
      const saved = await this.webhooks.register(store.listId, {
        url: input.url,
        events: asObject(input.events) as Record<MailchimpWebhookType, boolean> | undefined,
        sources: asObject(input.sources) as Record<WebhookSource, boolean> | undefined,
      });
      if ('validationStatus' in saved) {
        return invalidResource(
          `The URL returned ${saved.validationStatus} to the validation request; Mailchimp needs a 200 before it saves a webhook.`,
          [{ field: 'url', message: 'The webhook URL could not be validated.' }],
        );
      }
      return { status: 200, body: this.webhookWire(saved) };
    }
    const hook = this.webhooks.get(webhookId);
    if (!hook || hook.listId !== store.listId) return notFound();
    if (request.method === 'GET') return { status: 200, body: this.webhookWire(hook) };
    if (request.method === 'DELETE') {
      this.webhooks.remove(webhookId);
      return { status: 204 };
    }
    return notAllowed();
  }

  private webhookWire(hook: WebhookRegistration) {
    return {
      id: hook.id,
      url: hook.url,
      events: hook.events,
      sources: hook.sources,
      list_id: hook.listId,
      _links: [
        link('self', `${this.apiBaseUrl()}/lists/${hook.listId}/webhooks/${hook.id}`, 'GET'),
      ],
    };
  }

  /** Merge fields of a request: unknown tags are dropped; ADDRESS must be whole or `""`. */
  private mergeFields(
    store: MemberStore,
    value: unknown,
  ): { values: Record<string, MergeValue> } | EmulatorResponse {
    if (value === undefined) return { values: {} };
    const merges = asObject(value);
    if (!merges) {
      return fieldErrors([
        { field: 'merge_fields', message: 'Must be an object keyed by merge tag.' },
      ]);
    }
    const values: Record<string, MergeValue> = {};
    for (const [tag, raw] of Object.entries(merges)) {
      if (!store.mergeTags.includes(tag)) continue;
      if (typeof raw === 'string' || typeof raw === 'number') {
        values[tag] = raw;
        continue;
      }
      const address = asObject(raw);
      const complete =
        address &&
        ['addr1', 'city', 'state', 'zip'].every(
          (part) => typeof address[part] === 'string' && (address[part] as string).trim(),
        );
      if (!complete) {
        return invalidResource('Your merge fields were invalid.', [
          { field: tag, message: 'Please enter a complete address' },
        ]);
      }
      values[tag] = {
        addr1: String(address.addr1),
        city: String(address.city),
        state: String(address.state),
        zip: String(address.zip),
        ...(typeof address.addr2 === 'string' ? { addr2: address.addr2 } : {}),
        ...(typeof address.country === 'string' ? { country: address.country } : {}),
      };
    }
    return { values };
  }

  private rejectEmail(store: MemberStore, email: string): EmulatorResponse | undefined {
    if (!EMAIL_SYNTAX.test(email)) return invalidResource('Please provide a valid email address.');
    if (this.isFake(email)) {
      return invalidResource(`${email} looks fake or invalid, please enter a real email address.`);
    }
    if (store.isForgotten(email)) {
      return problem(
        400,
        'Forgotten Email Not Subscribed',
        `${email} was permanently deleted and cannot be re-imported. The contact must re-subscribe to get back on the list.`,
      );
    }
    return undefined;
  }

  /**
   * The webhook events one change fires, in Mailchimp's order: address, status, profile.
   * Mailchimp's webhook documentation notes that an address change always comes with a profile
   * update. Neither states the member's status (see `memberWebhookData`).
   */
  private announce(store: MemberStore, change: MemberChange, source: WebhookSource): void {
    const { member } = change;
    if (change.previousEmail !== undefined) {
      this.notify(store, 'upemail', member, source, { previousEmail: change.previousEmail });
    }
    if (change.previousStatus !== undefined) {
      if (member.status === 'subscribed') this.notify(store, 'subscribe', member, source);
      if (member.status === 'unsubscribed') this.notify(store, 'unsubscribe', member, source);
      if (member.status === 'cleaned') this.notify(store, 'cleaned', member, source);
      if (member.status === 'archived') {
        this.notify(store, 'unsubscribe', member, source, { action: 'delete' });
      }
    }
    const profileUpdate = change.profileChanged || change.previousEmail !== undefined;
    if (profileUpdate && member.status !== 'archived') {
      this.notify(store, 'profile', member, source);
    }
  }

  private notify(
    store: MemberStore,
    type: Exclude<MailchimpWebhookType, 'campaign'>,
    member: StoredMember,
    source: WebhookSource,
    extra: { previousEmail?: string; action?: 'unsub' | 'delete' } = {},
  ): void {
    this.webhooks.notify(
      store.listId,
      type,
      memberWebhookData(type, member, store.listId, extra),
      source,
    );
  }

  private wire(
    store: MemberStore,
    member: StoredMember,
    request?: EmulatorRequest,
  ): EmulatorResponse {
    const body = toWire(member, store, this.apiBaseUrl());
    return {
      status: 200,
      body: request
        ? selectFields(body, query(request, 'fields'), query(request, 'exclude_fields'))
        : body,
    };
  }

  /** Control routes under /__emulator/mailchimp/… for out-of-process tests. */
  protected override admin(request: EmulatorRequest): EmulatorResponse | undefined {
    const route = `${request.method} ${request.path}`;
    if (route === 'POST /__emulator/mailchimp/members') {
      const body = (request.body ?? {}) as {
        count?: number;
        members?: MemberInput[];
        at?: number;
        spacingMs?: number;
        listId?: string;
      };
      const created = this.seedMembers(body.members ?? body.count ?? 0, body);
      const store = this.store(body.listId);
      return { status: 201, body: created.map((m) => toWire(m, store, this.apiBaseUrl())) };
    }
    const one = /^\/__emulator\/mailchimp\/members\/([^/]+)$/.exec(request.path);
    if (one && request.method === 'PATCH') {
      const body = (request.body ?? {}) as Partial<MemberInput> & { at?: number };
      const { at, ...changes } = body;
      const member = this.updateMember(memberId(one[1]), changes, { at });
      return { status: 200, body: toWire(member, this.store(), this.apiBaseUrl()) };
    }
    if (one && request.method === 'DELETE') {
      this.archiveMember(memberId(one[1]));
      return { status: 204 };
    }
    if (route === 'GET /__emulator/mailchimp/webhook-deliveries') {
      return { status: 200, body: this.webhooks.deliveries };
    }
    if (route === 'POST /__emulator/reset') {
      this.reset();
      return { status: 204 };
    }
    return undefined;
  }
}

export function sampleMember(i: number): MemberInput {
  return {
    email: `member${i}@example.com`,
    status: 'subscribed',
    mergeFields: {
      FNAME: `First${i}`,
      LNAME: `Last${i}`,
      PHONE: `+1555${String(i).padStart(7, '0')}`,
      ADDRESS: { addr1: `${i} Main St`, city: 'Atlanta', state: 'GA', zip: '30308', country: 'US' },
    },
    tags: i % 2 === 0 ? ['customer'] : [],
  };
}

/** The endpoints accept the subscriber hash or the address itself. */
function memberId(value: string): string {
  return value.includes('@') ? subscriberHash(value) : value.toLowerCase();
}

function query(request: EmulatorRequest, name: string): string | undefined {
  const value = request.query[name];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

function integer(value: string): number | undefined {
  return /^\d+$/.test(value) ? Number(value) : undefined;
}

function timeParam(request: EmulatorRequest, name: string): number | undefined | EmulatorResponse {
  const value = query(request, name);
  if (value === undefined || value === '') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms)
    ? fieldErrors([{ field: name, message: `"${value}" is not a valid date-time.` }])
    : ms;
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function jsonError(): EmulatorResponse {
  return problem(400, 'JSON Parse Exception', 'We encountered an unspecified JSON parsing error.');
}

function memberExists(email: string): EmulatorResponse {
  return problem(
    400,
    'Member Exists',
    `${email} is already a list member. Use PUT to insert or update list members.`,
  );
}

function notAllowed(): EmulatorResponse {
  return problem(
    405,
    'Method Not Allowed',
    "The requested method and resource are not compatible. See the Allow header for this resource's available methods.",
  );
}

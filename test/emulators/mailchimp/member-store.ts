/**
 * One Mailchimp audience's members: ids are the MD5 of the lower-cased address (and change
 * with it, as does the 10-character `unique_email_id` webhooks send as `data[id]`), times
 * have second precision, archiving keeps the member (status `archived`), permanent deletion
 * removes it and remembers the address so it cannot be re-imported.
 */
import { createHash, randomBytes } from 'node:crypto';

export type MemberStatus =
  'subscribed' | 'unsubscribed' | 'cleaned' | 'pending' | 'transactional' | 'archived';
/** Statuses the API takes; `cleaned` is Mailchimp's own verdict (bounces), never an app's. */
export const WRITABLE_STATUSES = [
  'subscribed',
  'unsubscribed',
  'pending',
  'transactional',
] as const;

export interface AddressValue {
  addr1: string;
  addr2?: string;
  city: string;
  state: string;
  zip: string;
  country?: string;
}
export type MergeValue = string | number | AddressValue;

export interface MemberInput {
  email: string;
  status?: MemberStatus;
  mergeFields?: Record<string, MergeValue>;
  language?: string;
  vip?: boolean;
  tags?: string[];
  emailType?: 'html' | 'text';
}

/** What an update did: the webhook events it fires follow from it. */
export interface MemberChange {
  member: StoredMember;
  /** Set when the address changed (the member's id changed with it). */
  previousEmail?: string;
  previousStatus?: MemberStatus;
  /** Merge fields, language, VIP, email type or tags changed. */
  profileChanged: boolean;
}

export interface StoredMember {
  id: string;
  email: string;
  status: MemberStatus;
  mergeFields: Record<string, MergeValue>;
  language: string;
  vip: boolean;
  tags: { id: number; name: string }[];
  emailType: 'html' | 'text';
  webId: number;
  uniqueEmailId: string;
  contactId: string;
  ipSignup: string;
  timestampSignup: number | null;
  ipOpt: string;
  timestampOpt: number | null;
  /** ms since the epoch, whole seconds. */
  lastChanged: number;
  source: string;
  /** Creation order: the order among members sharing a sort value. */
  seq: number;
}

/** The merge fields a new Mailchimp audience starts with. */
export const DEFAULT_MERGE_FIELDS = ['FNAME', 'LNAME', 'ADDRESS', 'PHONE', 'BIRTHDAY'];

export function subscriberHash(email: string): string {
  return createHash('md5').update(email.trim().toLowerCase()).digest('hex');
}

/** Mailchimp's `unique_email_id`: 10 hex characters (`8a25ff1d98`), not a hash of the address. */
export function uniqueEmailId(): string {
  return randomBytes(5).toString('hex');
}

export function toSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** `2024-11-05T10:15:00+00:00`, as Mailchimp writes times. */
export function mailchimpTime(ms: number | null): string {
  return ms === null ? '' : `${new Date(toSecond(ms)).toISOString().slice(0, 19)}+00:00`;
}

export class MemberStore {
  private readonly members = new Map<string, StoredMember>();
  /** Lower-cased addresses deleted permanently. */
  private readonly forgotten = new Set<string>();
  private seq = 0;
  private tagIds = new Map<string, number>();

  constructor(
    readonly listId: string,
    readonly name: string,
    readonly mergeTags: readonly string[] = DEFAULT_MERGE_FIELDS,
  ) {}

  get(id: string): StoredMember | undefined {
    return this.members.get(id);
  }

  all(): StoredMember[] {
    return [...this.members.values()].sort((a, b) => a.seq - b.seq);
  }

  isForgotten(email: string): boolean {
    return this.forgotten.has(email.trim().toLowerCase());
  }

  create(input: MemberInput, source: string, at: number = Date.now()): StoredMember {
    const id = subscriberHash(input.email);
    if (this.members.has(id)) throw new Error(`${input.email} is already a member`);
    const now = toSecond(at);
    const status = input.status ?? 'subscribed';
    const member: StoredMember = {
      id,
      email: input.email.trim(),
      status,
      mergeFields: normalizeMerges(input.mergeFields ?? {}),
      language: input.language ?? '',
      vip: input.vip ?? false,
      tags: (input.tags ?? []).map((name) => this.tag(name)),
      emailType: input.emailType ?? 'html',
      webId: 100_000 + this.seq,
      uniqueEmailId: uniqueEmailId(),
      contactId: randomBytes(16).toString('hex'),
      ipSignup: '',
      timestampSignup: null,
      ipOpt: status === 'subscribed' ? '198.2.191.34' : '',
      timestampOpt: status === 'subscribed' ? now : null,
      lastChanged: now,
      source,
      seq: this.seq++,
    };
    this.members.set(id, member);
    return member;
  }

  /** Applies `changes`; `lastChanged` moves only when something did change. */
  update(id: string, changes: Partial<MemberInput>, at: number = Date.now()): MemberChange {
    const member = this.require(id);
    const result: MemberChange = { member, profileChanged: false };
    let changed = false;
    if (changes.email !== undefined && changes.email.trim() !== member.email) {
      result.previousEmail = member.email;
      const newId = subscriberHash(changes.email);
      if (newId !== id && this.members.has(newId)) {
        throw new Error(`${changes.email} is already a member`);
      }
      this.members.delete(id);
      member.id = newId;
      member.email = changes.email.trim();
      // unique_email_id identifies the address: a new address gets a new one (upemail's new_id).
      member.uniqueEmailId = uniqueEmailId();
      this.members.set(newId, member);
      changed = true;
    }
    if (changes.status !== undefined && changes.status !== member.status) {
      result.previousStatus = member.status;
      if (changes.status === 'subscribed') {
        member.timestampOpt = toSecond(at);
        member.ipOpt = '198.2.191.34';
      }
      member.status = changes.status;
      changed = true;
    }
    let fieldsChanged = false;
    for (const [tag, value] of Object.entries(normalizeMerges(changes.mergeFields ?? {}))) {
      if (JSON.stringify(member.mergeFields[tag] ?? '') !== JSON.stringify(value)) {
        member.mergeFields[tag] = value;
        fieldsChanged = true;
      }
    }
    if (changes.language !== undefined && changes.language !== member.language) {
      member.language = changes.language;
      fieldsChanged = true;
    }
    if (changes.vip !== undefined && changes.vip !== member.vip) {
      member.vip = changes.vip;
      fieldsChanged = true;
    }
    if (changes.emailType !== undefined && changes.emailType !== member.emailType) {
      member.emailType = changes.emailType;
      fieldsChanged = true;
    }
    if (changes.tags !== undefined) {
      member.tags = changes.tags.map((name) => this.tag(name));
      // Tags are not profile fields: Mailchimp's "profile updates" webhook does not fire for
      // them (tag changes reach other systems only through journeys' own webhooks).
      changed = true;
    }
    result.profileChanged = fieldsChanged;
    if (changed || fieldsChanged) member.lastChanged = toSecond(at);
    return result;
  }

  archive(id: string, at: number = Date.now()): MemberChange {
    return this.update(id, { status: 'archived' }, at);
  }

  deletePermanently(id: string): StoredMember {
    const member = this.require(id);
    this.members.delete(id);
    this.forgotten.add(member.email.toLowerCase());
    return member;
  }

  clear(): void {
    this.members.clear();
    this.forgotten.clear();
    this.tagIds.clear();
    this.seq = 0;
  }

  private tag(name: string): { id: number; name: string } {
    let id = this.tagIds.get(name);
    if (id === undefined) {
      id = 1000 + this.tagIds.size;
      this.tagIds.set(name, id);
    }
    return { id, name };
  }

  private require(id: string): StoredMember {
    const member = this.members.get(id);
    if (!member) throw new Error(`No member ${id} in list ${this.listId}`);
    return member;
  }
}

/** Mailchimp answers an address with every part, `""` for the ones never given. */
function normalizeMerges(merges: Record<string, MergeValue>): Record<string, MergeValue> {
  const result: Record<string, MergeValue> = {};
  for (const [tag, value] of Object.entries(merges)) {
    result[tag] =
      typeof value === 'object'
        ? {
            addr1: value.addr1,
            addr2: value.addr2 ?? '',
            city: value.city,
            state: value.state,
            zip: value.zip,
            country: value.country ?? '',
          }
        : value;
  }
  return result;
}

/** The API's member representation. */
export function toWire(member: StoredMember, store: MemberStore, baseUrl: string) {
  const mergeFields: Record<string, MergeValue> = {};
  for (const tag of store.mergeTags) mergeFields[tag] = member.mergeFields[tag] ?? '';
  for (const [tag, value] of Object.entries(member.mergeFields)) mergeFields[tag] ??= value;
  const first = member.mergeFields.FNAME;
  const last = member.mergeFields.LNAME;
  const self = `${baseUrl}/lists/${store.listId}/members/${member.id}`;
  return {
    id: member.id,
    email_address: member.email,
    unique_email_id: member.uniqueEmailId,
    contact_id: member.contactId,
    full_name: [first, last].filter((part) => typeof part === 'string' && part).join(' '),
    web_id: member.webId,
    email_type: member.emailType,
    status: member.status,
    consents_to_one_to_one_messaging: true,
    merge_fields: mergeFields,
    stats: { avg_open_rate: 0, avg_click_rate: 0 },
    ip_signup: member.ipSignup,
    timestamp_signup: mailchimpTime(member.timestampSignup),
    ip_opt: member.ipOpt,
    timestamp_opt: mailchimpTime(member.timestampOpt),
    member_rating: 2,
    last_changed: mailchimpTime(member.lastChanged),
    language: member.language,
    vip: member.vip,
    email_client: '',
    location: {
      latitude: 0,
      longitude: 0,
      gmtoff: 0,
      dstoff: 0,
      country_code: '',
      timezone: '',
      region: '',
    },
    source: member.source,
    tags_count: member.tags.length,
    tags: member.tags,
    list_id: store.listId,
    _links: [
      link('self', self, 'GET', 'Lists/Members/Response.json'),
      link('parent', `${baseUrl}/lists/${store.listId}/members`, 'GET'),
      link('update', self, 'PATCH'),
      link('upsert', self, 'PUT'),
      link('delete', self, 'DELETE'),
    ],
  };
}

export function link(rel: string, href: string, method: string, targetSchema?: string) {
  return {
    rel,
    href,
    method,
    ...(targetSchema
      ? { targetSchema: `https://us19.api.mailchimp.com/schema/3.0/Definitions/${targetSchema}` }
      : {}),
  };
}

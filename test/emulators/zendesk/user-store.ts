/**
 * Zendesk's user state: 13-digit numeric ids, second-precision timestamps, and deletes in two
 * steps as in Zendesk: a soft delete (`active: false`, still exported and shown by id) and a
 * permanent one (personal data wiped, name "Permanently Deleted User").
 */
export type ZendeskRole = 'end-user' | 'agent' | 'admin';

export interface UserInput {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  external_id?: string | null;
  role?: ZendeskRole;
  locale?: string | null;
  /** A Rails zone name ("Copenhagen") or an IANA one ("Europe/Paris"). */
  time_zone?: string | null;
  tags?: string[];
  user_fields?: Record<string, string | number | boolean | null>;
  organization_id?: number | null;
  notes?: string;
  details?: string;
  suspended?: boolean;
}

export interface EmailIdentity {
  id: number;
  value: string;
}

/** One entry of `GET /users/{id}/identities` (email identities only, here). */
export interface IdentityWire {
  id: number;
  user_id: number;
  type: 'email';
  value: string;
  primary: boolean;
  verified: boolean;
}

export interface StoredUser {
  id: number;
  name: string;
  email: string | null;
  phone: string | null;
  external_id: string | null;
  role: ZendeskRole;
  /** The role before the last role change (a `user.role_changed` event's `previous`). */
  previousRole: ZendeskRole | null;
  locale: string;
  time_zone: string;
  iana_time_zone: string;
  tags: string[];
  user_fields: Record<string, string | number | boolean | null>;
  organization_id: number | null;
  notes: string;
  details: string;
  suspended: boolean;
  verified: boolean;
  /** The identity id of `email` (the primary email identity); null when there is no email. */
  primaryEmailIdentityId: number | null;
  /** Further email identities: an API update's `email` adds one, it does not replace `email`. */
  secondaryEmails: EmailIdentity[];
  active: boolean;
  permanentlyDeleted: boolean;
  /** ms since the epoch, whole seconds (Zendesk's precision). */
  createdAt: number;
  updatedAt: number;
}

/** Zendesk ids are large; start high so tests never confuse ids with counts. */
const FIRST_ID = 369_531_345_753;
const FIRST_IDENTITY_ID = 10_000_000_000_001;
const DEFAULT_ZONE = { time_zone: 'Eastern Time (US & Canada)', iana: 'America/New_York' };
const RAILS_ZONES: Record<string, string> = {
  'Eastern Time (US & Canada)': 'America/New_York',
  'Pacific Time (US & Canada)': 'America/Los_Angeles',
  Copenhagen: 'Europe/Copenhagen',
  Paris: 'Europe/Paris',
  London: 'Europe/London',
  UTC: 'Etc/UTC',
};

export class UserStore {
  private readonly users = new Map<number, StoredUser>();
  private nextId = FIRST_ID;
  private nextIdentityId = FIRST_IDENTITY_ID;

  constructor(
    /** Custom user field keys defined on the account; others are dropped like Zendesk does. */
    private readonly userFieldKeys: readonly string[] = ['company'],
  ) {}

  create(input: UserInput, at: number = Date.now()): StoredUser {
    const seconds = toSecond(at);
    const user: StoredUser = {
      id: this.nextId++,
      name: '',
      email: null,
      phone: null,
      external_id: null,
      role: 'end-user',
      previousRole: null,
      locale: 'en-US',
      time_zone: DEFAULT_ZONE.time_zone,
      iana_time_zone: DEFAULT_ZONE.iana,
      tags: [],
      user_fields: Object.fromEntries(this.userFieldKeys.map((key) => [key, null])),
      organization_id: null,
      notes: '',
      details: '',
      suspended: false,
      verified: false,
      primaryEmailIdentityId: null,
      secondaryEmails: [],
      active: true,
      permanentlyDeleted: false,
      createdAt: seconds,
      updatedAt: seconds,
    };
    this.apply(user, input);
    user.previousRole = null;
    this.users.set(user.id, user);
    return user;
  }

  /** Applies `changes`; `updated_at` moves only when a value really changed. */
  update(id: number, changes: UserInput, at: number = Date.now()): StoredUser {
    const user = this.require(id);
    const before = JSON.stringify(user);
    this.apply(user, changes);
    if (JSON.stringify(user) !== before) user.updatedAt = Math.max(toSecond(at), user.createdAt);
    return user;
  }

  softDelete(id: number, at: number = Date.now()): StoredUser {
    const user = this.require(id);
    user.active = false;
    user.updatedAt = toSecond(at);
    return user;
  }

  permanentlyDelete(id: number, at: number = Date.now()): StoredUser {
    const user = this.require(id);
    Object.assign(user, {
      name: 'Permanently Deleted User',
      email: null,
      phone: null,
      external_id: null,
      tags: [],
      notes: '',
      details: '',
      primaryEmailIdentityId: null,
      secondaryEmails: [],
      active: false,
      permanentlyDeleted: true,
      updatedAt: toSecond(at),
    });
    for (const key of Object.keys(user.user_fields)) user.user_fields[key] = null;
    return user;
  }

  get(id: number): StoredUser | undefined {
    return this.users.get(id);
  }

  /** Live users only: a deleted user's external id and email are free again. */
  findByExternalId(externalId: string): StoredUser | undefined {
    const wanted = externalId.toLowerCase();
    return this.live().find((user) => user.external_id?.toLowerCase() === wanted);
  }

  /** The live user holding `email` as their primary or a secondary email identity. */
  findByEmail(email: string): StoredUser | undefined {
    const wanted = email.toLowerCase();
    return this.live().find(
      (user) =>
        user.email?.toLowerCase() === wanted ||
        user.secondaryEmails.some((identity) => identity.value.toLowerCase() === wanted),
    );
  }

  /** The user's email identities, the primary first. */
  identities(id: number): IdentityWire[] {
    const user = this.require(id);
    const wire = (identity: EmailIdentity, primary: boolean): IdentityWire => ({
      id: identity.id,
      user_id: user.id,
      type: 'email',
      value: identity.value,
      primary,
      verified: user.verified,
    });
    const primary =
      user.email && user.primaryEmailIdentityId !== null
        ? [wire({ id: user.primaryEmailIdentityId, value: user.email }, true)]
        : [];
    return [...primary, ...user.secondaryEmails.map((identity) => wire(identity, false))];
  }

  /** Adds an email identity: the primary when the user has no email, else a secondary. */
  addEmailIdentity(id: number, value: string, at: number = Date.now()): IdentityWire {
    const user = this.require(id);
    if (!user.email) {
      this.update(id, { email: value }, at);
    } else {
      user.secondaryEmails.push({ id: this.nextIdentityId++, value });
      user.updatedAt = Math.max(toSecond(at), user.createdAt);
    }
    return this.identities(id).find((identity) => identity.value === value)!;
  }

  /** Changes the address of one email identity (the primary's included). */
  updateEmailIdentity(id: number, identityId: number, value: string, at: number = Date.now()) {
    const user = this.require(id);
    if (identityId === user.primaryEmailIdentityId) {
      this.update(id, { email: value }, at);
    } else {
      const identity = user.secondaryEmails.find((entry) => entry.id === identityId);
      if (!identity) throw new Error(`No identity ${identityId}`);
      identity.value = value;
      user.updatedAt = Math.max(toSecond(at), user.createdAt);
    }
    return this.identities(id).find((identity) => identity.id === identityId)!;
  }

  /** Makes a secondary email identity the primary; the old primary becomes a secondary. */
  makePrimary(id: number, identityId: number, at: number = Date.now()): void {
    const user = this.require(id);
    const index = user.secondaryEmails.findIndex((entry) => entry.id === identityId);
    if (index < 0) return;
    const [promoted] = user.secondaryEmails.splice(index, 1);
    if (user.email && user.primaryEmailIdentityId !== null) {
      user.secondaryEmails.push({ id: user.primaryEmailIdentityId, value: user.email });
    }
    user.email = promoted.value;
    user.primaryEmailIdentityId = promoted.id;
    user.updatedAt = Math.max(toSecond(at), user.createdAt);
  }

  /** Ordered by id. */
  all(): StoredUser[] {
    return [...this.users.values()].sort((a, b) => a.id - b.id);
  }

  live(): StoredUser[] {
    return this.all().filter((user) => user.active);
  }

  clear(): void {
    this.users.clear();
    this.nextId = FIRST_ID;
  }

  private apply(user: StoredUser, input: UserInput): void {
    const set = <K extends keyof UserInput & keyof StoredUser>(key: K) => {
      if (input[key] !== undefined) (user as unknown as Record<string, unknown>)[key] = input[key];
    };
    if (input.name !== undefined && input.name !== null) user.name = input.name;
    if (input.email !== undefined) user.email = input.email || null;
    if (!user.email) user.primaryEmailIdentityId = null;
    else user.primaryEmailIdentityId ??= this.nextIdentityId++;
    // Zendesk clears the phone with "" (or null).
    if (input.phone !== undefined) user.phone = input.phone || null;
    if (input.external_id !== undefined) user.external_id = input.external_id || null;
    if (input.role !== undefined && input.role !== user.role) user.previousRole = user.role;
    set('role');
    if (input.locale !== undefined && input.locale !== null) user.locale = input.locale;
    if (input.time_zone !== undefined && input.time_zone !== null) {
      Object.assign(user, zone(input.time_zone));
    }
    if (input.tags !== undefined) user.tags = [...input.tags];
    if (input.user_fields) {
      for (const [key, value] of Object.entries(input.user_fields)) {
        if (this.userFieldKeys.includes(key)) user.user_fields[key] = value;
      }
    }
    set('organization_id');
    set('notes');
    set('details');
    set('suspended');
  }

  private require(id: number): StoredUser {
    const user = this.users.get(id);
    if (!user) throw new Error(`No user ${id}`);
    return user;
  }
}

function zone(value: string): { time_zone: string; iana_time_zone: string } {
  if (value.includes('/')) {
    const rails = Object.entries(RAILS_ZONES).find(([, iana]) => iana === value)?.[0];
    return {
      time_zone: rails ?? value.split('/').pop()!.replace(/_/g, ' '),
      iana_time_zone: value,
    };
  }
  return { time_zone: value, iana_time_zone: RAILS_ZONES[value] ?? DEFAULT_ZONE.iana };
}

function toSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** `2011-05-05T10:38:52Z`: Zendesk's format, whole seconds. */
export function zendeskTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The REST wire shape of a user (the documented `UserObject` fields). */
export function toWire(user: StoredUser, apiBase: string) {
  return {
    id: user.id,
    url: `${apiBase}/users/${user.id}.json`,
    name: user.name,
    email: user.email,
    created_at: zendeskTime(user.createdAt),
    updated_at: zendeskTime(user.updatedAt),
    time_zone: user.time_zone,
    iana_time_zone: user.iana_time_zone,
    phone: user.phone,
    shared_phone_number: null,
    photo: null,
    locale_id: 1,
    locale: user.locale,
    organization_id: user.organization_id,
    role: user.role,
    verified: user.verified,
    external_id: user.external_id,
    tags: [...user.tags],
    alias: '',
    active: user.active,
    shared: false,
    shared_agent: false,
    last_login_at: null,
    two_factor_auth_enabled: null,
    signature: null,
    details: user.details,
    notes: user.notes,
    role_type: null,
    custom_role_id: null,
    moderator: user.role !== 'end-user',
    ticket_restriction: user.role === 'end-user' ? 'requested' : null,
    only_private_comments: false,
    restricted_agent: user.role !== 'admin',
    suspended: user.suspended,
    default_group_id: null,
    report_csv: false,
    user_fields: { ...user.user_fields },
  };
}

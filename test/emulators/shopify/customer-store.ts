/**
 * Shopify's customer state: numeric ids ascending, timestamps with second precision (as
 * Shopify stores them), deletes that really remove the customer (Shopify has no archive).
 */
export interface CustomerInput {
  email?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  phone?: string | null;
  state?: string;
  tags?: string;
  verified_email?: boolean;
  default_address?: Record<string, string | null> | null;
  email_marketing_consent?: {
    state: string;
    opt_in_level?: string | null;
    /** When the customer consented or objected; Shopify uses the time of the write if absent. */
    consent_updated_at?: string | null;
  } | null;
  /** Orders placed; a customer with orders cannot be deleted. Default 0. */
  orders_count?: number;
}

export interface StoredCustomer extends CustomerInput {
  id: number;
  createdAt: number;
  updatedAt: number;
  /** Set by GraphQL `customerRequestDataErasure`: Shopify erases the data later. */
  dataErasureRequestedAt?: number;
}

/** Shopify ids are large integers; start high so tests never confuse ids with counts. */
const FIRST_ID = 207_119_551;

export class CustomerStore {
  private readonly customers = new Map<number, StoredCustomer>();
  private nextId = FIRST_ID;

  create(input: CustomerInput, at: number = Date.now()): StoredCustomer {
    const seconds = toSecond(at);
    const customer: StoredCustomer = {
      state: 'disabled',
      tags: '',
      verified_email: true,
      ...input,
      email_marketing_consent: datedConsent(input.email_marketing_consent, undefined, seconds),
      id: this.nextId++,
      createdAt: seconds,
      updatedAt: seconds,
    };
    this.customers.set(customer.id, customer);
    return customer;
  }

  update(id: number, changes: CustomerInput, at: number = Date.now()): StoredCustomer {
    const customer = this.require(id);
    const consent = customer.email_marketing_consent;
    Object.assign(customer, changes);
    customer.updatedAt = toSecond(at);
    if (changes.email_marketing_consent !== undefined) {
      customer.email_marketing_consent = datedConsent(
        changes.email_marketing_consent,
        consent,
        customer.updatedAt,
      );
    }
    return customer;
  }

  /**
   * An API write: applies `changes` and bumps `updated_at` only when a value actually changed
   * (Shopify saves nothing for an identical value).
   */
  write(id: number, changes: CustomerInput, at: number = Date.now()): StoredCustomer {
    const customer = this.require(id);
    const changed = Object.entries(changes).some(
      ([key, value]) =>
        JSON.stringify(customer[key as keyof CustomerInput] ?? null) !==
        JSON.stringify(value ?? null),
    );
    return changed ? this.update(id, changes, at) : customer;
  }

  /** The customer holding `email`, compared case-insensitively, as Shopify keeps emails unique. */
  findByEmail(email: string): StoredCustomer | undefined {
    const wanted = email.trim().toLowerCase();
    return [...this.customers.values()].find((c) => c.email?.toLowerCase() === wanted);
  }

  /** The customer holding `phone` (E.164), as Shopify keeps phones unique too. */
  findByPhone(phone: string): StoredCustomer | undefined {
    return [...this.customers.values()].find((c) => c.phone === phone);
  }

  delete(id: number): StoredCustomer {
    const customer = this.require(id);
    this.customers.delete(id);
    return customer;
  }

  get(id: number): StoredCustomer | undefined {
    return this.customers.get(id);
  }

  /** Ordered by id, the order Shopify pages customers in. */
  all(): StoredCustomer[] {
    return [...this.customers.values()].sort((a, b) => a.id - b.id);
  }

  clear(): void {
    this.customers.clear();
    this.nextId = FIRST_ID;
  }

  private require(id: number): StoredCustomer {
    const customer = this.customers.get(id);
    if (!customer) throw new Error(`No customer ${id}`);
    return customer;
  }
}

/**
 * A consent as Shopify stores it: `consent_updated_at` is when the customer last consented or
 * objected (the time given, else the time of the write when the state changes), and a write
 * that leaves the state as it was leaves that time too.
 */
function datedConsent(
  next: CustomerInput['email_marketing_consent'],
  previous: CustomerInput['email_marketing_consent'],
  at: number,
): CustomerInput['email_marketing_consent'] {
  if (!next) return next;
  if (next.consent_updated_at) return next;
  const unchanged = previous?.state === next.state && previous.consent_updated_at;
  return { ...next, consent_updated_at: unchanged || shopifyTime(at) };
}

function toSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** Shopify renders times in the shop's zone with an offset, e.g. `2013-06-27T08:48:27-04:00`. */
export function shopifyTime(ms: number, offsetMinutes = -240): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${sign}${hh}:${mm}`;
}

/** The id of a customer's (single, default) address. */
export function addressId(customerId: number): number {
  return customerId + 1_000_000;
}

/** The REST wire shape of a customer's default address, or null. */
export function addressWire(customer: StoredCustomer) {
  return customer.default_address
    ? {
        id: addressId(customer.id),
        customer_id: customer.id,
        first_name: customer.first_name ?? null,
        last_name: customer.last_name ?? null,
        company: null,
        address1: null,
        address2: null,
        city: null,
        province: null,
        country: null,
        zip: null,
        phone: null,
        province_code: null,
        country_code: null,
        country_name: null,
        default: true,
        ...customer.default_address,
      }
    : null;
}

/** The REST wire shape of a customer. */
export function toWire(customer: StoredCustomer) {
  const address = addressWire(customer);
  return {
    id: customer.id,
    email: customer.email ?? null,
    created_at: shopifyTime(customer.createdAt),
    updated_at: shopifyTime(customer.updatedAt),
    first_name: customer.first_name ?? null,
    last_name: customer.last_name ?? null,
    orders_count: customer.orders_count ?? 0,
    state: customer.state ?? 'disabled',
    total_spent: '0.00',
    last_order_id: null,
    note: null,
    verified_email: customer.verified_email ?? true,
    multipass_identifier: null,
    tax_exempt: false,
    tags: customer.tags ?? '',
    last_order_name: null,
    currency: 'USD',
    phone: customer.phone ?? null,
    addresses: address ? [address] : [],
    tax_exemptions: [],
    email_marketing_consent: customer.email
      ? {
          state: 'not_subscribed',
          opt_in_level: 'single_opt_in',
          consent_updated_at: null,
          ...customer.email_marketing_consent,
        }
      : null,
    sms_marketing_consent: null,
    admin_graphql_api_id: `gid://shopify/Customer/${customer.id}`,
    default_address: address,
  };
}

/** A customer's wire shape with only the `fields` named (comma-separated), as `?fields=` asks. */
export function pickFields<Wire extends Record<string, unknown>>(
  wire: Wire,
  fields: string | undefined,
): Partial<Wire> {
  if (!fields) return wire;
  const names = new Set(fields.split(',').map((name) => name.trim()));
  return Object.fromEntries(
    Object.entries(wire).filter(([name]) => names.has(name)),
  ) as Partial<Wire>;
}

/** What Shopify sends for `customers/delete`: little more than the id. */
export function deletedWire(id: number) {
  return {
    id,
    phone: null,
    addresses: [],
    tax_exemptions: [],
    email_marketing_consent: null,
    sms_marketing_consent: null,
    admin_graphql_api_id: `gid://shopify/Customer/${id}`,
  };
}

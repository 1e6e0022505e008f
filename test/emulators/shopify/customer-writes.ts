/**
 * Shopify's customer writes over REST (create, update, delete, search, the default address)
 * and the one GraphQL mutation the connector uses (`customerRequestDataErasure`), with
 * Shopify's validation and answer shapes.
 */
import type { EmulatorRequest, EmulatorResponse } from '../common';
import {
  addressId,
  addressWire,
  pickFields,
  toWire,
  type CustomerInput,
  type CustomerStore,
  type StoredCustomer,
} from './customer-store';

type Errors = Record<string, string[]>;
type Address = Record<string, string | null>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CONSENT_STATES = new Set(['subscribed', 'not_subscribed', 'unsubscribed', 'pending']);
const ADDRESS_FIELDS = [
  'address1',
  'address2',
  'city',
  'company',
  'province',
  'province_code',
  'zip',
  'country',
  'country_code',
  'first_name',
  'last_name',
  'phone',
] as const;
const REGION_NAMES = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
export const DATA_ERASURE_SCOPE = 'write_customer_data_erasure';

/** `POST /customers.json` `{customer}` → 201, or 422 `{errors: {field: [message]}}`. */
export function createCustomer(store: CustomerStore, body: unknown, now: number): EmulatorResponse {
  const raw = customerOf(body);
  if (!raw) return unprocessable({ customer: ['Required parameter missing or invalid'] });
  const { changes, errors } = readCustomer(store, raw);
  let address: Address | undefined;
  if (Array.isArray(raw.addresses) && raw.addresses.length > 0) {
    const addresses = raw.addresses as Record<string, unknown>[];
    const chosen = addresses.find((a) => a?.default === true) ?? addresses[0];
    const read = readAddress(chosen ?? {});
    Object.assign(errors, prefixed('addresses', read.errors));
    address = read.address;
  }
  if (!changes.email && !changes.phone && !changes.first_name && !changes.last_name) {
    (errors.base ??= []).push('Customer must have a name, phone number or email address');
  }
  if (Object.keys(errors).length > 0) return unprocessable(errors);
  const customer = store.create(
    { state: 'disabled', ...changes, ...(address ? { default_address: address } : {}) },
    now,
  );
  return {
    status: 201,
    headers: { location: `/customers/${customer.id}.json` },
    body: { customer: toWire(customer) },
  };
}

/** `PUT /customers/{id}.json` `{customer}` → 200; `updated_at` moves only if something changed. */
export function updateCustomer(
  store: CustomerStore,
  id: number,
  body: unknown,
  now: number,
): EmulatorResponse {
  if (!store.get(id)) return notFound();
  const raw = customerOf(body);
  if (!raw) return unprocessable({ customer: ['Required parameter missing or invalid'] });
  // Addresses are written through the customer address resource in this emulator.
  const { changes, errors } = readCustomer(store, raw, id);
  if (Object.keys(errors).length > 0) return unprocessable(errors);
  return { status: 200, body: { customer: toWire(store.write(id, changes, now)) } };
}

/** `DELETE /customers/{id}.json` → 200 `{}`; 422 for a customer who has placed orders. */
export function deleteCustomer(store: CustomerStore, id: number): EmulatorResponse {
  const customer = store.get(id);
  if (!customer) return notFound();
  if ((customer.orders_count ?? 0) > 0) {
    return unprocessable({ base: ['Error deleting customer: the customer has orders'] });
  }
  store.delete(id);
  return { status: 200, body: {} };
}

/**
 * `GET /customers/search.json?query=…`: `field:value` terms (email, phone, first_name,
 * last_name, id; a value may be quoted) match the whole value case-insensitively, `tag:value`
 * one of the customer's tags; other words match anywhere in the name, email or phone. Terms
 * combine with AND. `fields` keeps only the fields named. Only customers `indexed` are found:
 * Shopify searches an index that can trail its writes.
 */
export function searchCustomers(
  store: CustomerStore,
  request: EmulatorRequest,
  indexed: (customer: StoredCustomer) => boolean = () => true,
): EmulatorResponse {
  const query = String(last(request.query.query) ?? '');
  const limit = Number(last(request.query.limit) ?? 50);
  if (!Number.isInteger(limit) || limit < 1 || limit > 250) {
    return { status: 400, body: { errors: { limit: 'limit must be between 1 and 250' } } };
  }
  const terms = [...query.matchAll(/(\w+):("[^"]*"|\S+)|(\S+)/g)].map((m) =>
    m[3] !== undefined
      ? { field: undefined, value: m[3].toLowerCase() }
      : { field: m[1], value: m[2].replace(/^"|"$/g, '').toLowerCase() },
  );
  const matches = store.all().filter(
    (customer) =>
      indexed(customer) &&
      terms.every(({ field, value }) => {
        if (field === undefined) {
          return [customer.email, customer.first_name, customer.last_name, customer.phone].some(
            (text) => text?.toLowerCase().includes(value),
          );
        }
        if (field === 'tag') {
          return (customer.tags ?? '').split(',').some((tag) => tag.trim().toLowerCase() === value);
        }
        const held = field === 'id' ? String(customer.id) : fieldText(customer, field);
        return held?.toLowerCase() === value;
      }),
  );
  const fields = last(request.query.fields);
  const customers = matches.slice(0, limit).map((customer) => pickFields(toWire(customer), fields));
  return { status: 200, body: { customers } };
}

/** `POST /customers/{id}/addresses.json` `{address}` → 201 `{customer_address}`. */
export function createAddress(
  store: CustomerStore,
  id: number,
  body: unknown,
  now: number,
): EmulatorResponse {
  const customer = store.get(id);
  if (!customer) return notFound();
  const raw = (body as { address?: Record<string, unknown> } | undefined)?.address;
  if (!raw || typeof raw !== 'object') {
    return unprocessable({ address: ['Required parameter missing or invalid'] });
  }
  // This emulator keeps one address per customer, its default.
  if (customer.default_address && raw.default !== true) {
    return unprocessable({
      base: ['The emulator keeps one address per customer (send default: true)'],
    });
  }
  const { address, errors } = readAddress(raw);
  if (Object.keys(errors).length > 0) return unprocessable(errors);
  const written = store.write(id, { default_address: address }, now);
  return { status: 201, body: { customer_address: addressWire(written) } };
}

/** `PUT /customers/{id}/addresses/{address_id}.json` `{address}` → 200 `{customer_address}`. */
export function updateAddress(
  store: CustomerStore,
  id: number,
  address: number,
  body: unknown,
  now: number,
): EmulatorResponse {
  const customer = store.get(id);
  if (!customer?.default_address || address !== addressId(id)) return notFound();
  const raw = (body as { address?: Record<string, unknown> } | undefined)?.address;
  if (!raw || typeof raw !== 'object') {
    return unprocessable({ address: ['Required parameter missing or invalid'] });
  }
  const { address: changes, errors } = readAddress(raw);
  if (Object.keys(errors).length > 0) return unprocessable(errors);
  // Changing the address is a change of the customer: its `updated_at` moves too.
  const merged = { ...customer.default_address, ...changes };
  const written = store.write(id, { default_address: merged }, now);
  return { status: 200, body: { customer_address: addressWire(written) } };
}

/**
 * `POST /graphql.json`: only `customerRequestDataErasure(customerId)`. Like Shopify, answers
 * 200 with `errors` when the token lacks the scope, and with `userErrors` for an unknown
 * customer; otherwise records the request on the customer.
 */
export function graphql(
  store: CustomerStore,
  body: unknown,
  scopes: ReadonlySet<string>,
  now: number,
): EmulatorResponse {
  const { query, variables } = (body ?? {}) as { query?: unknown; variables?: unknown };
  if (typeof query !== 'string' || !query.includes('customerRequestDataErasure')) {
    return {
      status: 200,
      body: {
        errors: [{ message: 'This emulator only implements customerRequestDataErasure' }],
      },
    };
  }
  if (!scopes.has(DATA_ERASURE_SCOPE)) {
    const requiredAccess = `\`${DATA_ERASURE_SCOPE}\` access scope. Also: The user must have access to erase customer data.`;
    return {
      status: 200,
      body: {
        data: { customerRequestDataErasure: null },
        errors: [
          {
            message: `Access denied for customerRequestDataErasure field. Required access: ${requiredAccess}`,
            path: ['customerRequestDataErasure'],
            extensions: { code: 'ACCESS_DENIED', requiredAccess },
          },
        ],
      },
    };
  }
  const inline = query.match(/customerId:\s*"([^"]+)"/)?.[1];
  const gid = String((variables as { customerId?: unknown } | undefined)?.customerId ?? inline);
  const id = Number(gid.match(/^gid:\/\/shopify\/Customer\/(\d+)$/)?.[1]);
  const customer = Number.isInteger(id) ? store.get(id) : undefined;
  if (!customer) {
    return {
      status: 200,
      body: {
        data: {
          customerRequestDataErasure: {
            customerId: null,
            userErrors: [
              { field: ['customerId'], message: 'Customer does not exist', code: 'DOES_NOT_EXIST' },
            ],
          },
        },
      },
    };
  }
  customer.dataErasureRequestedAt = now;
  return {
    status: 200,
    body: { data: { customerRequestDataErasure: { customerId: gid, userErrors: [] } } },
  };
}

/** Shopify's validation of customer fields; `selfId` is the customer being updated. */
function readCustomer(
  store: CustomerStore,
  raw: Record<string, unknown>,
  selfId?: number,
): { changes: CustomerInput; errors: Errors } {
  const changes: CustomerInput = {};
  const errors: Errors = {};
  const fail = (field: string, message: string) => (errors[field] ??= []).push(message);
  for (const field of ['first_name', 'last_name'] as const) {
    if (field in raw) changes[field] = text(raw[field]);
  }
  if ('email' in raw) {
    const email = text(raw.email);
    changes.email = email;
    if (email && !EMAIL.test(email)) fail('email', 'is invalid');
    const holder = email ? store.findByEmail(email) : undefined;
    if (holder && holder.id !== selfId) fail('email', 'has already been taken');
  }
  if ('phone' in raw) {
    const typed = text(raw.phone);
    const phone = typed ? e164(typed) : null;
    changes.phone = phone;
    if (typed && !phone) fail('phone', 'is invalid');
    const holder = phone ? store.findByPhone(phone) : undefined;
    if (holder && holder.id !== selfId) fail('phone', 'has already been taken');
  }
  if ('tags' in raw) {
    const tags = Array.isArray(raw.tags) ? raw.tags.join(',') : String(raw.tags ?? '');
    changes.tags = [
      ...new Set(
        tags
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
      ),
    ].join(', ');
  }
  if ('email_marketing_consent' in raw) {
    const consent = raw.email_marketing_consent as { state?: unknown; opt_in_level?: unknown };
    if (!consent || typeof consent.state !== 'string' || !CONSENT_STATES.has(consent.state)) {
      fail('email_marketing_consent', 'is invalid');
    } else {
      changes.email_marketing_consent = {
        state: consent.state,
        opt_in_level: typeof consent.opt_in_level === 'string' ? consent.opt_in_level : null,
      };
    }
  }
  return { changes, errors };
}

function readAddress(raw: Record<string, unknown>): { address: Address; errors: Errors } {
  const address: Address = {};
  const errors: Errors = {};
  for (const field of ADDRESS_FIELDS) {
    if (field in raw) address[field] = text(raw[field]);
  }
  if (address.province_code) address.province_code = address.province_code.toUpperCase();
  if (address.country_code) {
    const code = address.country_code.toUpperCase();
    const name = /^[A-Z]{2}$/.test(code) ? REGION_NAMES.of(code) : undefined;
    if (!name) errors.country = ['is not a valid country'];
    address.country_code = code;
    address.country = name ?? null;
  }
  return { address, errors };
}

/**
 * E.164, as Shopify stores phones: `+` and 8–15 digits once separators are dropped; ten
 * digits are read as a US number (the emulated shop is in the US). Null when not a number.
 */
function e164(typed: string): string | null {
  const compact = typed.replace(/[\s().-]/g, '');
  if (/^\+[1-9]\d{7,14}$/.test(compact)) return compact;
  if (/^\d{10}$/.test(compact)) return `+1${compact}`;
  if (/^1\d{10}$/.test(compact)) return `+${compact}`;
  return null;
}

function fieldText(customer: StoredCustomer, field: string): string | undefined {
  const value = (customer as unknown as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}

function customerOf(body: unknown): Record<string, unknown> | undefined {
  const customer = (body as { customer?: unknown } | undefined)?.customer;
  return customer && typeof customer === 'object' && !Array.isArray(customer)
    ? (customer as Record<string, unknown>)
    : undefined;
}

function prefixed(prefix: string, errors: Errors): Errors {
  const out: Errors = {};
  for (const [field, messages] of Object.entries(errors)) {
    out[prefix] = [...(out[prefix] ?? []), ...messages.map((m) => `${field} ${m}`)];
  }
  return out;
}

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = String(value).trim();
  return trimmed === '' ? null : trimmed;
}

function last(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[value.length - 1] : value;
}

function unprocessable(errors: Errors): EmulatorResponse {
  return { status: 422, body: { errors } };
}

function notFound(): EmulatorResponse {
  return { status: 404, body: { errors: 'Not Found' } };
}

import {
  HttpRequestError,
  RateLimitedError,
  type ConnectorContext,
  type HttpResponse,
  type JsonValue,
  type SkippedField,
  type VendorFields,
  type WriteItem,
  type WriteResult,
} from '../../src/connector-sdk';
import { creationTag, withTag } from './creation-tag';
import { customerId } from './customer-id';
import { complainsOnlyAbout, describeShopifyError, isTaken } from './errors';
import { ADDRESS_PREFIX, mapOut, type ShopifyBody } from './map-out';
import { findByCreationTag, findByEmail, findByPhone } from './find-customer';
import { CUSTOMERS_PATH, customerAddressesPath, customerAddressPath, customerPath } from './paths';
import type {
  ShopifyAddress,
  ShopifyAddressResponse,
  ShopifyConfig,
  ShopifyCredentials,
  ShopifyCustomer,
  ShopifyCustomerResponse,
} from './types';

type Ctx = ConnectorContext<ShopifyConfig, ShopifyCredentials>;

/** Answers that reject this one customer; anything else (401, 403, 429, 5xx) fails the call. */
const REJECTIONS = [400, 404, 422];
/** The customer is not (or no longer) in the shop. */
const GONE = Symbol('gone');
/** Mapped (and Shopify's) field of the customer's phone, which Shopify keeps unique. */
const PHONE = 'phone';
type Outcome =
  | { ok: true; id: string; skipped?: SkippedField[] }
  | { ok: false; retryable: boolean; error: string };

/**
 * One customer at a time: Shopify's REST API has no batch write, and the shop's leaky bucket
 * (2 requests a second, shared with its other apps) paces every request anyway.
 *
 * A known customer (the Shopify id, from a read, a webhook or our last write) is updated with
 * `PUT /customers/{id}.json` `{customer: {id, …changed}}`: by id, so an email change follows
 * the person and nothing else is touched. An unknown one is created with
 * `POST /customers.json` and every mapped field. Shopify keeps emails unique and answers 422
 * `{"errors":{"email":["has already been taken"]}}` when the address exists: the customer is
 * then found with `GET /customers/search.json?query=email:…` and updated instead, so a create
 * retried after a crash or a 429 never duplicates anyone. A profile without an email is found
 * the same way by its phone, which Shopify keeps unique too (a create retried after a timeout
 * that had in fact landed answers "phone has already been taken"), but only a holder without
 * an email is taken for that earlier try: one with an email is another person sharing the
 * phone, and the profile is created without the phone (below). A profile with neither has
 * nothing Shopify keeps unique: its create carries a creation tag, looked for before creating
 * (see `createUntraceable`). A known customer deleted in Shopify since (404) is created again:
 * the profile still pushes here.
 *
 * A phone Shopify refuses (held by another customer, e.g. a household sharing one, or not a
 * number Shopify takes) does not hold back the rest: when it is a 422's only complaint, the
 * write is sent again without it and the result names it in `skippedFields`, so the runtime
 * does not count it as written. The customer holding the phone is left as it is.
 *
 * The default address is not a customer field in REST: a changed one is written through the
 * customer address resource (`PUT /customers/{id}/addresses/{address_id}.json`, or `POST` a
 * new default when there is none), and given with the customer on a create.
 */
export async function writeCustomers(ctx: Ctx, batch: WriteItem[]): Promise<WriteResult[]> {
  const results: WriteResult[] = [];
  for (const item of batch) {
    const outcome = await writeCustomer(ctx, item);
    if (outcome.ok && outcome.skipped) {
      // Shopify's words name the field and the rule, never the value: no phone in the logs.
      ctx.logger.warn('Shopify customer written without the fields Shopify refused', {
        customerId: outcome.id,
        profileId: item.profileId,
        skipped: outcome.skipped,
      });
    }
    results.push(toResult(item, outcome));
  }
  return results;
}

async function writeCustomer(ctx: Ctx, item: WriteItem): Promise<Outcome> {
  if (item.externalId && /^\d+$/.test(item.externalId)) {
    const values = { ...item.fields, ...item.changed };
    const outcome = await updateCustomer(ctx, item.externalId, values, {
      keys: Object.keys(item.changed),
      clear: true,
    });
    if (outcome !== GONE) return outcome;
    ctx.logger.info('Shopify customer no longer exists; creating it again', {
      customerId: item.externalId,
    });
  }
  return createCustomer(ctx, item);
}

async function createCustomer(ctx: Ctx, item: WriteItem): Promise<Outcome> {
  const { fields } = item;
  const { customer, address } = mapOut(fields, { clear: false });
  const key = matchKey(customer);
  if (!key) return createUntraceable(ctx, item.profileId, fields, customer, address);
  const response = await ctx.http.request<ShopifyCustomerResponse>({
    method: 'POST',
    path: CUSTOMERS_PATH,
    body: { customer: createBody(customer, address) },
    acceptStatuses: REJECTIONS,
  });
  if (response.status < 300) return { ok: true, id: customerId(response.data.customer) };
  if (response.status !== 422) return refused(response);
  if (isTaken(response.data, key.field)) {
    const match =
      key.field === 'email' ? await findByEmail(ctx, key.value) : await findByPhone(ctx, key.value);
    // Search runs on an index that can trail writes: a customer created a moment ago (by a
    // write that crashed before it was recorded) can be taken yet not found. Later it will be.
    if (!match) {
      return {
        ok: false,
        retryable: true,
        error: `Shopify says ${key.value} is taken but its search does not return that customer yet`,
      };
    }
    if (key.field === 'email' || !hasEmail(match)) return adopt(ctx, match, fields);
    // The phone's holder has an email this profile lacks: another person sharing the phone.
  }
  const refusal = phoneRefusal(response, customer);
  return refusal ? createWithoutPhone(ctx, item, refusal) : refused(response);
}

/**
 * The create again, without the phone Shopify refused: a profile left with no email then has
 * nothing Shopify keeps unique, and goes through `createUntraceable` (its creation tag).
 */
async function createWithoutPhone(
  ctx: Ctx,
  item: WriteItem,
  refusal: SkippedField,
): Promise<Outcome> {
  const outcome = await createCustomer(ctx, { ...item, fields: withoutPhone(item.fields) });
  if (!outcome.ok) {
    return { ...outcome, error: `${outcome.error} (sent without the phone: ${refusal.reason})` };
  }
  return { ...outcome, skipped: [refusal, ...(outcome.skipped ?? [])] };
}

/**
 * A customer with neither email nor phone. Nothing Shopify keeps unique would tell a retried
 * create that the customer exists, so the create carries the profile's creation tag
 * (creation-tag.ts), and every create first looks for a customer with that tag: one made by an
 * earlier try whose answer was lost (a timeout, a dropped connection, a crash before the id
 * was recorded) is updated instead. The create is sent once: after a timeout, a dropped
 * connection or a 5xx it may have landed, so instead of sending it again (which the HTTP client
 * would do at once, before anything could find the first), the item fails, retryably, and the
 * next try looks first. What that look can still miss is listed at `findByCreationTag`. Not
 * covered at all: a profile given an email or phone before the retry (that create looks for
 * no tag), one merged into another meanwhile (the survivor's tag differs), and a tag removed in
 * Shopify before the retry.
 */
async function createUntraceable(
  ctx: Ctx,
  profileId: string,
  fields: VendorFields,
  customer: ShopifyBody,
  address: ShopifyBody,
): Promise<Outcome> {
  const tag = creationTag(profileId);
  const earlier = await findByCreationTag(ctx, tag);
  if (earlier) {
    ctx.logger.info('Shopify customer made by an earlier try found by its creation tag', {
      customerId: customerId(earlier),
      tag,
    });
    return adopt(ctx, earlier, keepingTag(fields, tag));
  }
  let response: HttpResponse<ShopifyCustomerResponse>;
  try {
    response = await ctx.http.request<ShopifyCustomerResponse>({
      method: 'POST',
      path: CUSTOMERS_PATH,
      body: { customer: createBody({ ...customer, tags: withTag(customer.tags, tag) }, address) },
      acceptStatuses: REJECTIONS,
      idempotent: false,
    });
  } catch (error) {
    if (!isOutcomeUnknown(error)) throw error;
    return {
      ok: false,
      retryable: true,
      error: `Shopify's answer to the create was lost (${error.message}); the next try looks for a customer tagged ${tag} before creating one`,
    };
  }
  return response.status < 300
    ? { ok: true, id: customerId(response.data.customer) }
    : refused(response);
}

/** A create that must not make a second customer writes every mapped field to the one found. */
async function adopt(ctx: Ctx, match: ShopifyCustomer, fields: VendorFields): Promise<Outcome> {
  const id = customerId(match);
  // Undefined when the answer left the address out: it is then read before being written.
  const defaultAddress = 'default_address' in match ? (match.default_address ?? null) : undefined;
  const outcome = await updateCustomer(
    ctx,
    id,
    fields,
    { keys: Object.keys(fields), clear: false },
    defaultAddress,
  );
  return outcome === GONE
    ? { ok: false, retryable: true, error: `Shopify customer ${id} vanished` }
    : outcome;
}

function createBody(customer: ShopifyBody, address: ShopifyBody): ShopifyBody {
  const body: ShopifyBody = { ...customer };
  if (Object.keys(address).length > 0) body.addresses = [{ ...address, default: true }];
  return body;
}

/**
 * Mapped tags replace a customer's: on a customer found by its creation tag they keep that
 * tag, so a try that fails before its id is recorded leaves it findable. Without mapped tags
 * nothing is sent and the customer's stay as they are.
 */
function keepingTag(fields: VendorFields, tag: string): VendorFields {
  const tags = fields.tags;
  if (Array.isArray(tags)) return tags.length > 0 ? { ...fields, tags: [...tags, tag] } : fields;
  return typeof tags === 'string' && tags.trim() !== ''
    ? { ...fields, tags: withTag(tags, tag) }
    : fields;
}

/** Sent, and no answer says whether it took effect (a 429 says it did not, and is waited out). */
function isOutcomeUnknown(error: unknown): error is HttpRequestError {
  return (
    error instanceof HttpRequestError && error.retryable && !(error instanceof RateLimitedError)
  );
}

/**
 * Writes `keys` of `values` to customer `id`: the customer fields with one PUT, then the
 * default address when one of its fields is among them. `defaultAddress` is the customer's
 * current one when the caller already knows it (undefined: not known yet).
 */
async function updateCustomer(
  ctx: Ctx,
  id: string,
  values: VendorFields,
  options: { keys: string[]; clear: boolean },
  defaultAddress?: ShopifyAddress | null,
): Promise<Outcome | typeof GONE> {
  const { customer, address } = mapOut(values, options);
  const skipped: SkippedField[] = [];
  let current = defaultAddress;
  const response = await putCustomer(ctx, id, customer, skipped);
  if (response) {
    if (response.status === 404) return GONE;
    if (response.status >= 300) return refused(response);
    current = response.data.customer?.default_address ?? null;
  }
  if (Object.keys(address).length > 0) {
    const outcome = await writeDefaultAddress(ctx, id, values, address, current);
    if (outcome) return outcome;
  }
  return skipped.length > 0 ? { ok: true, id, skipped } : { ok: true, id };
}

/**
 * `PUT /customers/{id}.json` with `customer`; a phone Shopify refuses is added to `skipped`
 * and the rest sent again without it. Undefined when nothing is (left) to send.
 */
async function putCustomer(
  ctx: Ctx,
  id: string,
  customer: ShopifyBody,
  skipped: SkippedField[],
): Promise<HttpResponse<ShopifyCustomerResponse> | undefined> {
  if (Object.keys(customer).length === 0) return undefined;
  const response = await ctx.http.request<ShopifyCustomerResponse>({
    method: 'PUT',
    path: customerPath(id),
    body: { customer: { id: numericId(id), ...customer } },
    acceptStatuses: REJECTIONS,
  });
  const refusal = phoneRefusal(response, customer);
  if (!refusal) return response;
  skipped.push(refusal);
  return putCustomer(ctx, id, withoutPhone(customer), skipped);
}

/**
 * The phone, when it is all a 422 refuses: taken by another customer, or not a number Shopify
 * takes. A cleared phone (null) is never refused so.
 */
function phoneRefusal(
  response: HttpResponse<unknown>,
  sent: ShopifyBody,
): SkippedField | undefined {
  if (response.status !== 422 || typeof sent[PHONE] !== 'string') return undefined;
  if (!complainsOnlyAbout(response.data, PHONE)) return undefined;
  return { field: PHONE, reason: describeShopifyError(response.status, response.data) };
}

function withoutPhone<Fields extends Record<string, JsonValue>>(fields: Fields): Fields {
  const rest = { ...fields };
  delete rest[PHONE];
  return rest;
}

function hasEmail(customer: ShopifyCustomer): boolean {
  return typeof customer.email === 'string' && customer.email.trim() !== '';
}

/** Undefined when written; else why not. */
async function writeDefaultAddress(
  ctx: Ctx,
  id: string,
  values: VendorFields,
  changes: ShopifyBody,
  known: ShopifyAddress | null | undefined,
): Promise<Outcome | typeof GONE | undefined> {
  let current = known;
  if (current === undefined) {
    const response = await ctx.http.request<ShopifyCustomerResponse>({
      path: customerPath(id),
      acceptStatuses: [404],
    });
    if (response.status === 404) return GONE;
    current = response.data.customer?.default_address ?? null;
  }
  if (current?.id !== undefined) {
    const response = await ctx.http.request<ShopifyAddressResponse>({
      method: 'PUT',
      path: customerAddressPath(id, String(current.id)),
      body: { address: changes },
      acceptStatuses: REJECTIONS,
    });
    if (response.status < 300) return undefined;
    if (response.status !== 404) return refused(response, 'address');
    // The address was removed meanwhile: a new default takes its place.
  }
  // A new address carries every mapped address field, not only the changed ones.
  const addressKeys = Object.keys(values).filter((key) => key.startsWith(ADDRESS_PREFIX));
  const { address } = mapOut(values, { keys: addressKeys, clear: false });
  if (Object.keys(address).length === 0) return undefined;
  const response = await ctx.http.request<ShopifyAddressResponse>({
    method: 'POST',
    path: customerAddressesPath(id),
    body: { address: { ...address, default: true } },
    acceptStatuses: REJECTIONS,
  });
  if (response.status === 404) return GONE;
  return response.status < 300 ? undefined : refused(response, 'address');
}

/**
 * What identifies the person a create is for: the email, else (no email) the phone. A phone
 * taken is a match only for a profile without an email, and only when its holder has none
 * either (the customer an earlier try made): people do share phones.
 */
function matchKey(customer: ShopifyBody): { field: 'email' | 'phone'; value: string } | undefined {
  if (typeof customer.email === 'string') return { field: 'email', value: customer.email };
  if (typeof customer.phone === 'string') return { field: 'phone', value: customer.phone };
  return undefined;
}

/** Ids above 2^53 stay strings: a JSON number would lose their last digits. */
function numericId(id: string): JsonValue {
  const number = Number(id);
  return Number.isSafeInteger(number) ? number : id;
}

function refused(response: HttpResponse<unknown>, what?: string): Outcome {
  const error = describeShopifyError(response.status, response.data);
  return { ok: false, retryable: false, error: what ? `${what}: ${error}` : error };
}

function toResult(item: WriteItem, outcome: Outcome): WriteResult {
  if (!outcome.ok) {
    return {
      profileId: item.profileId,
      ok: false,
      retryable: outcome.retryable,
      error: outcome.error,
    };
  }
  const result: WriteResult = { profileId: item.profileId, ok: true, externalId: outcome.id };
  if (outcome.skipped) result.skippedFields = outcome.skipped;
  return result;
}

/**
 * Email consent across Shopify and Mailchimp, through both connectors, the survivorship rule
 * and the outbound field mapping, against both emulators: a state that records no choice
 * (Shopify's `not_subscribed`, the default of every new customer; Mailchimp's `transactional`)
 * must never become an opt-out that is pushed to Mailchimp.
 */
import { createMailchimpConnector, type MailchimpMember } from '../../../connectors/mailchimp';
import { connector as shopify, type ShopifyCustomer } from '../../../connectors/shopify';
import type { MappedRecord, WriteItem } from '../../../src/connector-sdk';
import { changedFields, mapTraits } from '../../../src/outbound/field-mapping';
import { computeTraits, type TraitSource } from '../../../src/profiles/survivorship/compute-traits';
import { DEFAULT_API_KEY, DEFAULT_LIST_ID, MailchimpEmulator } from '../../emulators/mailchimp';
import { ShopifyEmulator } from '../../emulators/shopify';
import { readAllPages, useConnectorRuntime } from '../../support/connector-runtime-harness';

const DAY_AGO = Math.floor((Date.now() - 24 * 60 * 60 * 1000) / 1000) * 1000;
const mailchimp = createMailchimpConnector();
const mailchimpRuntime = useConnectorRuntime(mailchimp);
const shopifyRuntime = useConnectorRuntime(shopify);
const MAPPING = mailchimp.manifest.defaultMapping!;

let mailchimpEmulator: MailchimpEmulator;
let shopifyEmulator: ShopifyEmulator;

beforeEach(async () => {
  mailchimpEmulator = new MailchimpEmulator();
  shopifyEmulator = new ShopifyEmulator({ rateLimit: false });
  await Promise.all([mailchimpEmulator.start(), shopifyEmulator.start()]);
});

afterEach(() => Promise.all([mailchimpEmulator.stop(), shopifyEmulator.stop()]));

const mailchimpContext = () =>
  mailchimpRuntime.context(
    { listId: DEFAULT_LIST_ID, baseUrl: mailchimpEmulator.apiBaseUrl(), statusIfNew: 'pending' },
    { apiKey: DEFAULT_API_KEY },
  );
const shopifyContext = () =>
  shopifyRuntime.context({ baseUrl: shopifyEmulator.apiBaseUrl() }, { accessToken: 'test-token' });

async function readMailchimp(): Promise<MappedRecord[]> {
  const { records } = await readAllPages(mailchimp, mailchimpContext(), {
    mode: 'full',
    cursor: null,
  });
  return (records as MailchimpMember[]).map((member) => mailchimp.mapIn!(member));
}

async function readShopify(): Promise<MappedRecord[]> {
  const { records } = await readAllPages(shopify, shopifyContext(), { mode: 'full', cursor: null });
  return (records as ShopifyCustomer[]).map((customer) => shopify.mapIn!(customer));
}

const source = (connectionId: string, record: MappedRecord): TraitSource => ({
  connectionId,
  externalId: record.externalId,
  updatedAt: record.updatedAt,
  deleted: record.deleted ?? false,
  traits: record.traits,
});

describe('email consent between Shopify and Mailchimp', () => {
  it('a newer Shopify edit of a customer who never subscribed keeps a Mailchimp subscriber subscribed', async () => {
    const [ann] = mailchimpEmulator.seedMembers(
      [{ email: 'ann@example.com', status: 'subscribed', mergeFields: { FNAME: 'Ann' } }],
      { at: DAY_AGO },
    );
    // Created after the Mailchimp sign-up, in Shopify's default state: not_subscribed.
    shopifyEmulator.createCustomer({ email: 'ann@example.com', first_name: 'Annie' });
    const [member] = await readMailchimp();
    const [customer] = await readShopify();
    expect(customer.updatedAt > member.updatedAt).toBe(true);

    const { traits } = computeTraits(
      [source('mailchimp', member), source('shopify', customer)],
      new Map(),
    );
    expect(traits).toMatchObject({ firstName: 'Annie', emailConsent: 'subscribed' });

    // The push: what the profile maps to, against what the member held.
    const fields = mapTraits(MAPPING, traits);
    const item: WriteItem = {
      profileId: 'p1',
      externalId: member.externalId,
      fields,
      changed: changedFields(fields, mapTraits(MAPPING, member.traits)),
    };
    expect(item.changed).toEqual({ 'merge_fields.FNAME': 'Annie' });
    const [result] = await mailchimp.write!(mailchimpContext(), [item]);
    expect(result).toMatchObject({ ok: true });
    expect(mailchimpEmulator.member(ann.email)).toMatchObject({
      status: 'subscribed',
      mergeFields: expect.objectContaining({ FNAME: 'Annie' }),
    });
  });

  it('a Shopify customer who never subscribed joins Mailchimp with the configured status', async () => {
    shopifyEmulator.createCustomer({ email: 'bo@example.com', first_name: 'Bo' });
    const [customer] = await readShopify();
    const { traits } = computeTraits([source('shopify', customer)], new Map());
    expect(traits).not.toHaveProperty('emailConsent');

    const fields = mapTraits(MAPPING, traits);
    const [result] = await mailchimp.write!(mailchimpContext(), [
      { profileId: 'p2', fields, changed: fields },
    ]);
    expect(result).toMatchObject({ ok: true });
    expect(mailchimpEmulator.member('bo@example.com')).toMatchObject({ status: 'pending' });
  });
});

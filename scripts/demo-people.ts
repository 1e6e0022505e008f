/**
 * The demo's fake customers: a CRM (HubSpot) and a shop (Shopify) that know some of the same
 * people, each in its own way. Emails use the reserved `.example` top-level domain (RFC 2606)
 * and phones the fictional 555-01xx range, so nothing here reaches a real person; both still
 * pass Syncline's identifier checks (unlike `@example.com`, which the identity block list
 * refuses to link on).
 */
import type { CustomerInput } from '../test/emulators/shopify';

const DAY_MS = 24 * 3600 * 1000;

export interface DemoPerson {
  /** Who this is, for the printed summary. */
  name: string;
  /** How the two tools' records of this person differ. */
  story: string;
  /** The email to look the unified profile up by (any case works). */
  lookUp: string;
  hubspot?: { properties: Record<string, string>; daysAgo: number };
  shopify?: { customer: CustomerInput; daysAgo: number };
}

export const DEMO_PEOPLE: DemoPerson[] = [
  {
    name: 'Ada Lovelace',
    story: 'same email in different case; HubSpot knows her job, Shopify her address',
    lookUp: 'ada.lovelace@engines.example',
    hubspot: {
      daysAgo: 3,
      properties: {
        email: 'Ada.Lovelace@Engines.Example',
        firstname: 'Ada',
        lastname: 'Lovelace',
        company: 'Analytical Engines',
        jobtitle: 'Mathematician',
        phone: '(415) 555-0101',
        lifecyclestage: 'customer',
      },
    },
    shopify: {
      daysAgo: 1,
      customer: {
        email: 'ada.lovelace@engines.example',
        first_name: 'Augusta Ada',
        last_name: 'Lovelace',
        phone: '+14155550101',
        state: 'enabled',
        tags: 'vip',
        email_marketing_consent: { state: 'subscribed', opt_in_level: 'confirmed_opt_in' },
        default_address: {
          address1: '12 St James Square',
          city: 'London',
          province_code: null,
          country_code: 'GB',
          zip: 'SW1Y 4JH',
        },
      },
    },
  },
  {
    name: 'Grace Hopper',
    story:
      'two different emails, one phone written (415) 555-0132 in HubSpot, +14155550132 in Shopify',
    lookUp: 'grace@navy.example',
    hubspot: {
      daysAgo: 1,
      properties: {
        email: 'grace@navy.example',
        firstname: 'Grace',
        lastname: 'Hopper',
        company: 'US Navy',
        jobtitle: 'Rear Admiral',
        phone: '(415) 555-0132',
      },
    },
    shopify: {
      daysAgo: 4,
      customer: {
        email: 'grace.hopper@cobol.example',
        first_name: 'Grace',
        last_name: 'Hopper',
        phone: '+14155550132',
        state: 'enabled',
        tags: 'newsletter',
        default_address: {
          address1: '1 Compiler Way',
          city: 'Arlington',
          province_code: 'VA',
          country_code: 'US',
          zip: '22201',
        },
      },
    },
  },
  {
    name: 'Alan Turing',
    story: 'same email, shouted in Shopify; the newer record (Shopify) wins the first name',
    lookUp: 'alan@bletchley.example',
    hubspot: {
      daysAgo: 5,
      properties: {
        email: 'alan@bletchley.example',
        firstname: 'Alan',
        lastname: 'Turing',
        company: 'Bletchley Park',
        phone: '415.555.0177',
      },
    },
    shopify: {
      daysAgo: 2,
      customer: {
        email: 'Alan@Bletchley.EXAMPLE',
        first_name: 'Alan M.',
        last_name: 'Turing',
        state: 'enabled',
        tags: '',
      },
    },
  },
  {
    name: 'Edsger Dijkstra',
    story: 'in HubSpot only, until a live Shopify customers/create webhook brings him in',
    lookUp: 'edsger@structured.example',
    hubspot: {
      daysAgo: 6,
      properties: {
        email: 'edsger@structured.example',
        firstname: 'Edsger',
        lastname: 'Dijkstra',
        company: 'Eindhoven University',
        jobtitle: 'Professor',
      },
    },
  },
  {
    name: 'Barbara Liskov',
    story: 'HubSpot only',
    lookUp: 'barbara@substitution.example',
    hubspot: {
      daysAgo: 2,
      properties: {
        email: 'barbara@substitution.example',
        firstname: 'Barbara',
        lastname: 'Liskov',
        company: 'MIT',
        phone: '(617) 555-0123',
      },
    },
  },
  {
    name: 'Donald Knuth',
    story: 'Shopify only',
    lookUp: 'don@taocp.example',
    shopify: {
      daysAgo: 3,
      customer: {
        email: 'don@taocp.example',
        first_name: 'Donald',
        last_name: 'Knuth',
        state: 'enabled',
        tags: 'books',
      },
    },
  },
];

/** The customer a live `customers/create` webhook adds: the same person as HubSpot's Edsger. */
export const LIVE_SHOPIFY_CUSTOMER: CustomerInput = {
  email: 'EDSGER@structured.example',
  first_name: 'Edsger W.',
  last_name: 'Dijkstra',
  phone: '+31205550142',
  state: 'enabled',
  tags: 'new',
  default_address: { city: 'Nuenen', country_code: 'NL', zip: '5671' },
};

/** Vendor timestamps in the past, so the syncs and webhooks that follow are plainly newer. */
export function daysAgo(days: number): number {
  return Date.now() - days * DAY_MS;
}

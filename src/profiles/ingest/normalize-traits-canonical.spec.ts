import type { CanonicalTraits } from '../canonical/canonical-traits';
import { normalizeTraits } from './normalize-traits';

/** Values a connector may map that break the canonical model's formats. */
const normalize = (traits: Record<string, unknown>) =>
  normalizeTraits(traits as CanonicalTraits, 'US');

describe('normalizeTraits: formats the canonical model fixes', () => {
  it('keeps ISO-3166 alpha-2 countries (any case; UK as GB) and leaves other text out', () => {
    expect(normalize({ address: { city: 'Leeds', country: ' uk ' } }).address).toEqual({
      city: 'Leeds',
      country: 'GB',
    });
    expect(normalize({ address: { country: 'fr' } }).address).toEqual({ country: 'FR' });
    expect(normalize({ address: { city: 'Austin', country: 'United States' } }).address).toEqual({
      city: 'Austin',
    });
    expect(normalize({ address: { country: 840 } }).address).toEqual({});
    expect(normalize({ address: { country: null } }).address).toEqual({ country: null });
  });

  it('keeps an emailConsent of the enum (any case) and leaves anything else out', () => {
    expect(normalize({ emailConsent: ' Subscribed ' })).toEqual({ emailConsent: 'subscribed' });
    expect(normalize({ email: 'a@b.io', emailConsent: 'yes' })).toEqual({ email: 'a@b.io' });
    expect(normalize({ emailConsent: true })).toEqual({});
    expect(normalize({ emailConsent: null })).toEqual({ emailConsent: null });
  });

  it('keeps BCP 47 locales (with - for _) and IANA time zones; leaves others out', () => {
    expect(normalize({ locale: 'en_GB', timezone: 'Europe/Paris' })).toEqual({
      locale: 'en-GB',
      timezone: 'Europe/Paris',
    });
    expect(normalize({ locale: 'not a locale', timezone: 'Mars/Base' })).toEqual({});
    expect(normalize({ timezone: 'Pacific Time (US & Canada)' })).toEqual({});
    expect(normalize({ firstName: 'Ada', locale: 7 })).toEqual({ firstName: 'Ada' });
  });

  it('keeps tags only as a list, and custom only as objects per namespace', () => {
    expect(normalize({ tags: 'vip' })).toEqual({});
    expect(normalize({ tags: null })).toEqual({ tags: null });
    expect(
      normalize({ custom: { hubspot: { stage: 'lead' }, shopify: 'text', zendesk: null } }),
    ).toEqual({ custom: { hubspot: { stage: 'lead' }, zendesk: null } });
    expect(normalize({ custom: ['a'] })).toEqual({});
    expect(normalize({ custom: 'abc' })).toEqual({});
  });

  it('drops __proto__ keys instead of letting their values be inherited as traits', () => {
    const traits = JSON.parse(
      '{"firstName":"Ada","__proto__":{"email":"someone.else@acme.io"},' +
        '"custom":{"acme":{"__proto__":{"plan":"gold"},"seats":3}}}',
    ) as Record<string, unknown>;
    const result = normalize(traits);
    expect(result).toEqual({ firstName: 'Ada', custom: { acme: { seats: 3 } } });
    expect(result.email).toBeUndefined();
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(result.custom?.acme)).toBe(Object.prototype);
  });
});

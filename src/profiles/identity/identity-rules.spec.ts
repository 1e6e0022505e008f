import { StartupError } from '../../bootstrap/startup-error';
import { loadIdentityRules, parseIdentityRules } from './identity-rules.loader';
import { normalizeEmail } from './normalize-email';
import { normalizePhone } from './normalize-phone';

describe('identity normalization and guards', () => {
  it('normalizes emails and phones, refusing junk', () => {
    expect(normalizeEmail('  Ada@Engines.ORG ')).toBe('ada@engines.org');
    expect(normalizeEmail('n/a')).toBeUndefined();
    expect(normalizePhone('(415) 555-2671', 'US')).toBe('+14155552671');
    expect(normalizePhone('020 7183 8750', 'GB')).toBe('+442071838750');
    expect(normalizePhone('12', 'US')).toBeUndefined();
  });

  it('blocks the configured values and patterns (config/identity.json)', () => {
    const rules = loadIdentityRules('US');
    expect(rules.isBlocked({ type: 'email', value: 'test@example.com' })).toBe(true);
    expect(rules.isBlocked({ type: 'email', value: 'noreply@shop.io' })).toBe(true);
    expect(rules.isBlocked({ type: 'phone', value: '+10000000000' })).toBe(true);
    expect(rules.isBlocked({ type: 'email', value: 'ada@engines.org' })).toBe(false);
    expect(rules.limits).toEqual({
      emailsPerProfile: 5,
      phonesPerProfile: 5,
      externalIdsPerConnection: 1,
    });
  });

  it('reads the default file when SYNCLINE_IDENTITY_CONFIG is blank, as .env files leave it', () => {
    const before = process.env.SYNCLINE_IDENTITY_CONFIG;
    process.env.SYNCLINE_IDENTITY_CONFIG = ' ';
    try {
      expect(loadIdentityRules('US').isBlocked({ type: 'email', value: 'test@example.com' })).toBe(
        true,
      );
    } finally {
      if (before === undefined) delete process.env.SYNCLINE_IDENTITY_CONFIG;
      else process.env.SYNCLINE_IDENTITY_CONFIG = before;
    }
  });

  it('fails fast with the bad field named', () => {
    expect(() => parseIdentityRules({ limits: { emailsPerProfile: 0 } }, 'US')).toThrow(
      StartupError,
    );
    expect(() =>
      parseIdentityRules({ blockList: { patterns: [{ type: 'email', pattern: '(' }] } }, 'US'),
    ).toThrow(/blockList.patterns\[0\].pattern/);
    expect(() =>
      parseIdentityRules({ links: { phoneAcrossEmails: 'no' as unknown as boolean } }, 'US'),
    ).toThrow(/links.phoneAcrossEmails must be true or false/);
  });

  it('links a phone across emails unless the file says otherwise', () => {
    expect(loadIdentityRules('US').links).toEqual({ phoneAcrossEmails: true });
    expect(parseIdentityRules({ links: { phoneAcrossEmails: false } }, 'US').links).toEqual({
      phoneAcrossEmails: false,
    });
  });
});

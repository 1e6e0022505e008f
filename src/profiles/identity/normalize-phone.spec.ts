import { normalizePhone } from './normalize-phone';
import { installPhonePatternCache } from './phone-pattern-cache';

type ParseFn = typeof import('libphonenumber-js/max').parsePhoneNumberFromString;

/** The library as published, loaded apart from the copy normalizePhone uses. */
function uncachedParse(): ParseFn {
  let parse: ParseFn | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a second, untouched copy
    parse = (require('libphonenumber-js/max') as typeof import('libphonenumber-js/max'))
      .parsePhoneNumberFromString;
  });
  if (!parse) throw new Error('libphonenumber-js did not load');
  return parse;
}

const INPUTS: [string, string][] = [
  ['+1 415 555 2671', 'US'],
  ['(415) 555-2671', 'US'],
  ['415.555.2671 ext. 12', 'US'],
  ['+44 20 7946 0958', 'US'],
  ['020 7946 0958', 'GB'],
  ['07700 900123', 'GB'],
  ['030 901820', 'DE'],
  ['+49 1512 3456789', 'FR'],
  ['06 12 34 56 78', 'FR'],
  ['+81 3-1234-5678', 'US'],
  ['+1 555 0100', 'US'],
  ['+10000000000', 'US'],
  ['12', 'US'],
  ['not a number', 'US'],
  ['+999 1234 5678', 'US'],
];

describe('normalizePhone', () => {
  it('gives E.164 for valid numbers and nothing for invalid or unparseable ones', () => {
    expect(normalizePhone(' (415) 555-2671 ', 'US')).toBe('+14155552671');
    expect(normalizePhone('020 7946 0958', 'GB')).toBe('+442079460958');
    expect(normalizePhone('+1 555 0100', 'US')).toBeUndefined();
    expect(normalizePhone('not a number', 'US')).toBeUndefined();
    expect(normalizePhone('', 'US')).toBeUndefined();
    expect(normalizePhone(4155552671, 'US')).toBeUndefined();
  });

  it('has the pattern cache in place (fails when a libphonenumber-js release moves its helper)', () => {
    expect(installPhonePatternCache()).toBe(true);
  });

  it('decides every number exactly as the uncached library does, repeatedly', () => {
    const parse = uncachedParse();
    for (let round = 0; round < 3; round += 1) {
      for (const [input, region] of INPUTS) {
        const reference = parse(input, region as never);
        const expected = reference?.isValid() ? reference.number : undefined;
        expect({ input, region, e164: normalizePhone(input, region) }).toEqual({
          input,
          region,
          e164: expected,
        });
      }
    }
  });
});

import { parseFormBody } from './form-body';

describe('parseFormBody', () => {
  it('nests PHP-style keys, decoding escapes and + as space', () => {
    expect(
      parseFormBody(
        'type=profile&fired_at=2009-03-26+21%3A31%3A21&data%5Bid%5D=8a25ff1d98&data[merges][FNAME]=Mailchimp&data[merges][ADDRESS][city]=San+Francisco',
      ),
    ).toEqual({
      type: 'profile',
      fired_at: '2009-03-26 21:31:21',
      data: {
        id: '8a25ff1d98',
        merges: { FNAME: 'Mailchimp', ADDRESS: { city: 'San Francisco' } },
      },
    });
  });

  it('ignores malformed keys and keys that would reach Object.prototype', () => {
    const parsed = parseFormBody('a]b=1&data[__proto__][polluted]=yes&constructor[x]=1&ok=1');
    expect(parsed).toEqual({ ok: '1' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

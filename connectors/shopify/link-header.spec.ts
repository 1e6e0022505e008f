import { nextLink } from './link-header';

describe('nextLink', () => {
  const base = 'https://acme.myshopify.com/admin/api/2024-10/customers.json';

  it('picks rel="next" among previous and next, URL untouched', () => {
    const header = `<${base}?limit=250&page_info=prev123>; rel="previous", <${base}?limit=250&page_info=next456>; rel="next"`;
    expect(nextLink(header)).toBe(`${base}?limit=250&page_info=next456`);
  });

  it('keeps commas inside the URL and accepts an unquoted rel', () => {
    const header = `<${base}?fields=id,email&page_info=abc>; rel=next`;
    expect(nextLink(header)).toBe(`${base}?fields=id,email&page_info=abc`);
  });

  it('returns undefined on the last page', () => {
    expect(nextLink(undefined)).toBeUndefined();
    expect(nextLink(`<${base}?page_info=p>; rel="previous"`)).toBeUndefined();
  });
});

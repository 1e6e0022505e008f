/**
 * The `rel="next"` URL of an RFC 8288 `Link` header, as Shopify sends it:
 * `<https://…/customers.json?limit=250&page_info=abc>; rel="next", <…>; rel="previous"`.
 * URLs are matched inside `<…>` because a URL may itself hold commas (`fields=a,b`).
 */
export function nextLink(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const links = /<([^>]*)>((?:\s*;\s*[^;,]+)*)/g;
  for (const match of header.matchAll(links)) {
    const rel = /;\s*rel\s*=\s*"?([^";,]+)"?/i.exec(match[2] ?? '');
    if (rel && rel[1].split(/\s+/).includes('next')) return match[1];
  }
  return undefined;
}

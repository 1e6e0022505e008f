/**
 * Opaque `page_info` values. Like Shopify's, a token carries the filters of the request that
 * started the paging, so a page request must not repeat them.
 */
export interface CustomerFilters {
  created_at_min?: string;
  created_at_max?: string;
  updated_at_min?: string;
  updated_at_max?: string;
  since_id?: string;
  ids?: string;
}

export interface PageToken {
  direction: 'next' | 'previous';
  /** `next`: ids greater than this; `previous`: ids smaller than this. */
  boundaryId: number;
  filters: CustomerFilters;
}

export function encodePageToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

export function decodePageToken(value: string): PageToken | undefined {
  try {
    const token = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as PageToken;
    const valid =
      (token.direction === 'next' || token.direction === 'previous') &&
      Number.isInteger(token.boundaryId) &&
      typeof token.filters === 'object' &&
      token.filters !== null;
    return valid ? token : undefined;
  } catch {
    return undefined;
  }
}

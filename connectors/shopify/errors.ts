import type { ShopifyErrorBody } from './types';

const MAX_LENGTH = 300;

/**
 * Shopify's words for a rejected request, e.g. a 422 `{"errors":{"email":["is invalid"],
 * "phone":["has already been taken"]}}` → `HTTP 422: email is invalid; phone has already
 * been taken`. `base` errors are about the whole customer and read without a field name.
 */
export function describeShopifyError(status: number, data: unknown): string {
  const said = vendorWords(data);
  const message = said ? `HTTP ${status}: ${said}` : `HTTP ${status}`;
  return message.length > MAX_LENGTH ? `${message.slice(0, MAX_LENGTH)}…` : message;
}

/** True when a 422 says `field` "has already been taken" (Shopify's uniqueness check). */
export function isTaken(data: unknown, field: string): boolean {
  const errors = (data as ShopifyErrorBody | undefined)?.errors;
  if (!errors || typeof errors !== 'object') return false;
  const messages = errors[field];
  return (Array.isArray(messages) ? messages : [messages]).some(
    (message) => typeof message === 'string' && /already been taken/i.test(message),
  );
}

/**
 * True when every complaint of a 422 is about `field`: Shopify validates the whole customer and
 * lists each field it refuses, so the same request without that field would pass.
 */
export function complainsOnlyAbout(data: unknown, field: string): boolean {
  const errors = (data as ShopifyErrorBody | undefined)?.errors;
  if (!errors || typeof errors !== 'object') return false;
  const complaints = Object.entries(errors).filter(([, messages]) =>
    (Array.isArray(messages) ? messages : [messages]).some(
      (message) => typeof message === 'string' && message !== '',
    ),
  );
  return complaints.length > 0 && complaints.every(([name]) => name === field);
}

function vendorWords(data: unknown): string | undefined {
  if (typeof data === 'string') return data.trim() || undefined;
  const errors = (data as ShopifyErrorBody | undefined)?.errors;
  if (typeof errors === 'string') return errors.trim() || undefined;
  if (!errors || typeof errors !== 'object') return undefined;
  const lines = Object.entries(errors).flatMap(([field, messages]) =>
    (Array.isArray(messages) ? messages : [messages])
      .filter((message): message is string => typeof message === 'string' && message !== '')
      .map((message) => (field === 'base' ? message : `${field} ${message}`)),
  );
  return lines.length > 0 ? lines.join('; ') : undefined;
}

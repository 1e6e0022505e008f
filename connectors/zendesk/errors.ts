import type { ZendeskErrorBody } from './types';

const MAX_LENGTH = 300;

/**
 * Zendesk's words for a rejected request, e.g. a 422 `RecordInvalid` →
 * `HTTP 422: Email: ann@ is not properly formatted`. Field details are the useful part; the
 * top-level `error` is only a code such as "RecordInvalid".
 */
export function describeZendeskError(status: number, data: unknown): string {
  const said = vendorWords(data);
  const message = said ? `HTTP ${status}: ${said}` : `HTTP ${status}`;
  return message.length > MAX_LENGTH ? `${message.slice(0, MAX_LENGTH)}…` : message;
}

/** True when a 422 names `field` among its invalid fields. */
export function rejectsField(data: unknown, field: string): boolean {
  const details = (data as ZendeskErrorBody | undefined)?.details;
  return Boolean(details && typeof details === 'object' && field in details);
}

function vendorWords(data: unknown): string | undefined {
  if (typeof data === 'string') return data.trim() || undefined;
  if (!data || typeof data !== 'object') return undefined;
  const body = data as ZendeskErrorBody;
  if (body.details && typeof body.details === 'object') {
    const lines = Object.values(body.details)
      .flat()
      .map((detail) => detail?.description ?? detail?.error)
      .filter((line): line is string => typeof line === 'string' && line.length > 0);
    if (lines.length > 0) return lines.join('; ');
  }
  if (typeof body.description === 'string' && body.description) return body.description;
  if (typeof body.error === 'string') return body.error;
  return body.error?.message ?? body.error?.title;
}

import type { HubspotBatchError } from './types';

const MAX_LENGTH = 300;
/** How HubSpot reports invalid property values: this prefix, then a JSON array. */
const INVALID_VALUES_PREFIX = 'Property values were not valid:';

/** One entry of the JSON array in a "Property values were not valid" message. */
export interface PropertyProblem {
  /** The property's internal name, e.g. `email`. */
  name?: string;
  /** HubSpot's code, e.g. `INVALID_EMAIL`, `PROPERTY_DOESNT_EXIST`, `READ_ONLY_VALUE`. */
  error?: string;
  message?: string;
}

/**
 * A rejected request in HubSpot's words, e.g. a 400 `VALIDATION_ERROR` →
 * `HTTP 400 VALIDATION_ERROR: Email address ann@ is invalid (INVALID_EMAIL)`.
 */
export function describeHubspotError(status: number, data: unknown): string {
  const body = (data && typeof data === 'object' ? data : {}) as HubspotBatchError;
  const category = typeof body.category === 'string' ? ` ${body.category}` : '';
  const said = typeof data === 'string' ? data.trim() : vendorWords(body);
  return truncate(`HTTP ${status}${category}${said ? `: ${said}` : ''}`);
}

/** One failed input of a multi-status answer, e.g. `VALIDATION_ERROR: … (INVALID_EMAIL)`. */
export function describeBatchError(error: HubspotBatchError): string {
  const said = vendorWords(error) ?? 'HubSpot refused this contact';
  return truncate(error.category ? `${error.category}: ${said}` : said);
}

/**
 * The properties named in a "Property values were not valid: [{…}]" message. HubSpot packs
 * its per-property verdicts into the message as JSON; anything else yields [].
 */
export function propertyProblems(message: unknown): PropertyProblem[] {
  if (typeof message !== 'string' || !message.startsWith(INVALID_VALUES_PREFIX)) return [];
  try {
    const parsed: unknown = JSON.parse(message.slice(INVALID_VALUES_PREFIX.length).trim());
    if (!Array.isArray(parsed)) return [];
    return parsed
      .filter((entry): entry is Record<string, unknown> => !!entry && typeof entry === 'object')
      .map((entry) => ({
        name: typeof entry.name === 'string' ? entry.name : undefined,
        error: typeof entry.error === 'string' ? entry.error : undefined,
        message: typeof entry.message === 'string' ? entry.message : undefined,
      }));
  } catch {
    return [];
  }
}

function vendorWords(body: HubspotBatchError): string | undefined {
  const details = (Array.isArray(body.errors) ? body.errors : [])
    .filter((detail) => typeof detail?.message === 'string' && detail.message)
    .map((detail) => withCode(detail.message!, detail.code));
  if (details.length > 0) return details.join('; ');
  const problems = propertyProblems(body.message).filter((problem) => problem.message);
  if (problems.length > 0) {
    return problems.map((problem) => withCode(problem.message!, problem.error)).join('; ');
  }
  return typeof body.message === 'string' && body.message.trim() ? body.message.trim() : undefined;
}

function withCode(message: string, code: string | undefined): string {
  return code ? `${message} (${code})` : message;
}

function truncate(message: string): string {
  return message.length > MAX_LENGTH ? `${message.slice(0, MAX_LENGTH)}…` : message;
}

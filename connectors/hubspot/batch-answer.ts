import { describeBatchError, describeHubspotError, propertyProblems } from './errors';
import type { HubspotBatchError, HubspotBatchWriteResponse } from './types';

/** One input of a batch write, as far as reading HubSpot's answer needs it. */
export interface BatchEntry {
  /** The input's `objectWriteTraceId` (the profile id): unique within a batch. */
  traceId: string;
  /** What HubSpot knows the input by: the record id (update) or the lower-cased email (upsert). */
  key: string;
  /** Lower-cased emails the input writes, to recognise it in an error message. */
  emails: string[];
  /** Names of the properties the input writes. */
  propertyNames: string[];
}

export type EntryOutcome =
  | { kind: 'written'; id: string }
  | { kind: 'rejected'; error: string }
  /** An update of a record id HubSpot no longer has (deleted or merged away). */
  | { kind: 'not-found'; error: string };

export interface BatchReading {
  /** By trace id. */
  outcomes: Map<string, EntryOutcome>;
  /** Inputs HubSpot said nothing conclusive about: they were not written and go again. */
  unresolved: BatchEntry[];
}

/** Codes that condemn a property for every input writing it, whatever its value. */
const PROPERTY_LEVEL_CODES = new Set(['PROPERTY_DOESNT_EXIST', 'READ_ONLY_VALUE']);
/** Anything around an @, malformed addresses included (they are what HubSpot complains of). */
const EMAIL_TOKEN = /[^\s"'<>(),;:[\]{}]*@[^\s"'<>(),;:[\]{}]*/g;

/**
 * Reads HubSpot's answer to a `batch/upsert` or `batch/update`, input by input.
 *
 * - 200/207: every result is matched back to its input by `objectWriteTraceId` (or, should
 *   HubSpot leave it out, by record id or email); every entry of `errors` to the inputs its
 *   `context` names. Inputs neither answer mentions are unresolved.
 * - 4xx: the whole batch was refused (HubSpot validates some batches all-or-nothing, e.g. an
 *   invalid email in a batch create), so nothing was written. Inputs the error identifies (by
 *   context, by an email quoted in the message, or by writing a property HubSpot refuses
 *   outright) are rejected; the others are unresolved and go again without them.
 */
export function readBatchAnswer(
  entries: readonly BatchEntry[],
  status: number,
  data: unknown,
): BatchReading {
  const outcomes = new Map<string, EntryOutcome>();
  if (status >= 200 && status < 300) {
    readMultiStatus(entries, (data ?? {}) as HubspotBatchWriteResponse, outcomes);
  } else {
    readRefusal(entries, status, data, outcomes);
  }
  return { outcomes, unresolved: entries.filter((entry) => !outcomes.has(entry.traceId)) };
}

function readMultiStatus(
  entries: readonly BatchEntry[],
  body: HubspotBatchWriteResponse,
  outcomes: Map<string, EntryOutcome>,
): void {
  const byTrace = new Map(entries.map((entry) => [entry.traceId, entry]));
  const byKey = new Map(entries.map((entry) => [entry.key, entry]));
  const results = (Array.isArray(body.results) ? body.results : []).filter(
    (result) => result && typeof result.id === 'string',
  );
  const errors = Array.isArray(body.errors) ? body.errors : [];
  for (const result of results) {
    const email = result.properties?.email?.trim().toLowerCase();
    const entry =
      (result.objectWriteTraceId !== undefined && byTrace.get(result.objectWriteTraceId)) ||
      byKey.get(result.id) ||
      (email ? byKey.get(email) : undefined) ||
      // One input, one result, no error: they belong together whatever the result echoes.
      (entries.length === 1 && results.length === 1 && errors.length === 0
        ? entries[0]
        : undefined);
    if (entry) outcomes.set(entry.traceId, { kind: 'written', id: result.id });
  }
  const anonymous: HubspotBatchError[] = [];
  for (const error of errors) {
    const named = namedByContext(entries, error);
    if (named.length === 0) anonymous.push(error);
    for (const entry of named) {
      if (!outcomes.has(entry.traceId)) outcomes.set(entry.traceId, errorOutcome(error));
    }
  }
  // An error naming no input, and a single input unaccounted for: the failure is its own.
  const unaccounted = entries.filter((entry) => !outcomes.has(entry.traceId));
  if (anonymous.length > 0 && unaccounted.length === 1) {
    outcomes.set(unaccounted[0].traceId, errorOutcome(anonymous[0]));
  }
}

function errorOutcome(error: HubspotBatchError): EntryOutcome {
  const reason = describeBatchError(error);
  return error.category === 'OBJECT_NOT_FOUND'
    ? { kind: 'not-found', error: reason }
    : { kind: 'rejected', error: reason };
}

function readRefusal(
  entries: readonly BatchEntry[],
  status: number,
  data: unknown,
  outcomes: Map<string, EntryOutcome>,
): void {
  const body = (data && typeof data === 'object' ? data : {}) as HubspotBatchError;
  const error = describeHubspotError(status, data);
  const refusedProperties = new Set(
    propertyProblems(body.message)
      .filter((problem) => problem.name && PROPERTY_LEVEL_CODES.has(problem.error ?? ''))
      .map((problem) => problem.name!),
  );
  const quoted = new Set(
    // A sentence's full stop is not part of the address.
    [...(typeof body.message === 'string' ? body.message.matchAll(EMAIL_TOKEN) : [])].map((m) =>
      m[0].replace(/\.+$/, '').toLowerCase(),
    ),
  );
  const named = new Set(namedByContext(entries, body));
  for (const entry of entries) {
    const guilty =
      named.has(entry) ||
      entry.emails.some((email) => quoted.has(email)) ||
      entry.propertyNames.some((name) => refusedProperties.has(name));
    if (guilty) outcomes.set(entry.traceId, { kind: 'rejected', error });
  }
}

/** Inputs an error's `context` names, by trace id, record id or email. */
function namedByContext(entries: readonly BatchEntry[], error: HubspotBatchError): BatchEntry[] {
  const values = new Set<string>();
  for (const value of Object.values(error.context ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === 'string' || typeof item === 'number') {
        values.add(String(item).trim().toLowerCase());
      }
    }
  }
  if (values.size === 0) return [];
  return entries.filter(
    (entry) =>
      values.has(entry.traceId.toLowerCase()) ||
      values.has(entry.key) ||
      entry.emails.some((email) => values.has(email)),
  );
}

import { DEFAULT_IDENTITY_LIMITS, IdentityRules } from '../identity/identity-rules';
import type { IngestItem } from './ingest-job';
import { MAX_CLOCK_SKEW_MS } from './believable-time';
import { MAX_CONTENT_CHARS, prepareRecords } from './prepare-records';

const CONNECTION = '6f1c2a9e-0000-4000-8000-000000000001';
const rules = new IdentityRules([], [], DEFAULT_IDENTITY_LIMITS);

function item(externalId: string, traits: Record<string, unknown>): IngestItem {
  return {
    connectionId: CONNECTION,
    record: { externalId, updatedAt: '2024-05-01T00:00:00.000Z', traits },
  };
}

/** `{a: {a: … {a: 'deep'}}}`, `depth` levels down. */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { a: 'deep' };
  for (let i = 0; i < depth; i += 1) value = { a: value };
  return value;
}

describe('prepareRecords', () => {
  it('rejects alone a record whose traits cannot be prepared, keeping the rest of the batch', () => {
    const batch = prepareRecords(
      [
        item('ok-1', { email: 'ok1@acme.io' }),
        item('too-deep', { email: 'deep@acme.io', custom: { tool: nested(200_000) } }),
        item('big-number', { email: 'big@acme.io', custom: { tool: { n: 10n } } }),
        item('ok-2', { email: 'ok2@acme.io' }),
      ],
      rules,
      'US',
    );
    expect(batch.records.map((record) => record.externalId)).toEqual(['ok-1', 'ok-2']);
    expect(batch.rejected).toEqual([
      expect.objectContaining({
        index: 1,
        externalId: 'too-deep',
        reason: expect.stringMatching(/^record\.traits cannot be stored: /),
      }),
      expect.objectContaining({ index: 2, externalId: 'big-number' }),
    ]);
  });
});

describe('prepareRecords: limits', () => {
  it('rejects alone a record whose content is too large to store, naming the size', () => {
    const batch = prepareRecords(
      [
        item('huge', {
          email: 'huge@acme.io',
          custom: { tool: { log: 'x'.repeat(MAX_CONTENT_CHARS) } },
        }),
        item('ok', { email: 'ok@acme.io', custom: { tool: { note: 'x'.repeat(1000) } } }),
      ],
      rules,
      'US',
    );
    expect(batch.records.map((record) => record.externalId)).toEqual(['ok']);
    expect(batch.rejected).toEqual([
      expect.objectContaining({
        index: 0,
        externalId: 'huge',
        reason:
          'record.traits cannot be stored: 257 KB of JSON, more than the 256 KB a record may hold',
      }),
    ]);
  });
});

describe('prepareRecords: vendor times', () => {
  const observedAt = '2026-03-01T12:00:00.000Z';
  const at = (offsetMs: number) => new Date(Date.parse(observedAt) + offsetMs).toISOString();
  const version = (updatedAt: string, seen: string | null = observedAt): IngestItem => ({
    ...item('rec', { email: 'a@acme.io' }),
    record: { externalId: 'rec', updatedAt, traits: { email: 'a@acme.io' } },
    ...(seen === null ? {} : { observedAt: seen }),
  });
  const updatedAtOf = (input: IngestItem) =>
    prepareRecords([input], rules, 'US').records[0].updatedAt;

  it('keeps a time at most the clock skew ahead of when the version was seen', () => {
    expect(updatedAtOf(version(at(MAX_CLOCK_SKEW_MS)))).toBe(at(MAX_CLOCK_SKEW_MS));
    expect(updatedAtOf(version(at(-3_600_000)))).toBe(at(-3_600_000));
  });

  it('dates a version further in the future when it was seen, so it cannot outrank later edits', () => {
    expect(updatedAtOf(version(at(MAX_CLOCK_SKEW_MS + 1)))).toBe(observedAt);
    expect(updatedAtOf(version('2099-01-01T00:00:00.000Z'))).toBe(observedAt);
  });

  it('measures a version without an observation time against now', () => {
    const before = Date.now();
    const capped = Date.parse(updatedAtOf(version('2099-01-01T00:00:00.000Z', null)));
    expect(capped).toBeGreaterThanOrEqual(before);
    expect(capped).toBeLessThanOrEqual(Date.now());
  });
});

describe('prepareRecords: trait times', () => {
  const dated = (
    traitTimes: unknown,
    traits: Record<string, unknown> = { emailConsent: 'subscribed' },
  ) =>
    ({
      connectionId: CONNECTION,
      record: { externalId: 'rec', updatedAt: '2024-05-01T00:00:00.000Z', traits, traitTimes },
    }) as IngestItem;

  it('keeps a dated trait earlier than the record, normalized, and counts it in the hash', () => {
    const [record] = prepareRecords(
      [dated({ emailConsent: '2024-02-01T09:30:00-05:00' })],
      rules,
      'US',
    ).records;
    expect(record.traitTimes).toEqual({ emailConsent: '2024-02-01T14:30:00.000Z' });
    const [undated] = prepareRecords([dated(undefined)], rules, 'US').records;
    expect(undated.traitTimes).toBeUndefined();
    expect(undated.hash).not.toBe(record.hash);
  });

  it('drops times not earlier than the record and times of traits the record does not hold', () => {
    const batch = prepareRecords(
      [dated({ emailConsent: '2024-06-01T00:00:00.000Z', phone: '2024-01-01T00:00:00.000Z' })],
      rules,
      'US',
    );
    expect(batch.records[0].traitTimes).toBeUndefined();
  });

  it.each([
    [['2024-01-01'], 'record.traitTimes must be an object of ISO 8601 dates by trait name'],
    [{ custom: '2024-01-01T00:00:00Z' }, 'record.traitTimes.custom is not a canonical trait'],
    [
      { favouriteColour: '2024-01-01T00:00:00Z' },
      'record.traitTimes.favouriteColour is not a canonical trait',
    ],
    [{ emailConsent: 'last tuesday' }, 'record.traitTimes.emailConsent must be an ISO 8601 date'],
  ])('rejects the record alone for traitTimes %j', (traitTimes, reason) => {
    const batch = prepareRecords(
      [dated(traitTimes), item('ok', { email: 'ok@acme.io' })],
      rules,
      'US',
    );
    expect(batch.records.map((record) => record.externalId)).toEqual(['ok']);
    expect(batch.rejected).toEqual([expect.objectContaining({ index: 0, reason })]);
  });
});

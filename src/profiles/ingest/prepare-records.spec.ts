import { DEFAULT_IDENTITY_LIMITS, IdentityRules } from '../identity/identity-rules';
import type { IngestItem } from './ingest-job';
import { prepareRecords } from './prepare-records';

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

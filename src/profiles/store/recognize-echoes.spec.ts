import { PreparedRecord, sourceKey } from '../ingest/prepared-record';
import { BatchState, SourceState } from './batch-state';
import { recognizeEchoes } from './recognize-echoes';

const CRM = 'c0000000-0000-4000-8000-000000000001';

/** The CRM's version of a contact, as held: its name a copy of what we wrote there. */
const heldCopy: SourceState = {
  connectionId: CRM,
  externalId: 'h1',
  profileId: 'p1',
  updatedAt: '2025-01-02T00:00:00.000Z',
  observedAt: null,
  hash: 'a',
  deleted: false,
  traits: { firstName: 'Sid' },
  identifiers: [],
  traitTimes: { firstName: '2024-12-31T23:59:59.999Z' },
  echoedTraits: ['firstName'],
};

function stateHolding(source: SourceState): BatchState {
  return {
    profiles: new Map(),
    identifierOwners: new Map(),
    sources: new Map([[sourceKey(source.connectionId, source.externalId), source]]),
    // No values recorded as sent for the profile (e.g. kept under an id merged away since).
    sentValues: new Map(),
  };
}

describe('recognizeEchoes', () => {
  it('keeps a copy a copy when the tool sends it again unchanged, with no sent values at hand', () => {
    // A rep edits the job title much later; the name is still our copy.
    const record: PreparedRecord = {
      index: 0,
      connectionId: CRM,
      externalId: 'h1',
      updatedAt: '2025-03-01T00:00:00.000Z',
      deleted: false,
      traits: { firstName: 'Sid', jobTitle: 'CTO' },
      identifiers: [],
      hash: 'b',
      raw: null,
    };
    const [recognized] = recognizeEchoes([record], stateHolding(heldCopy));
    expect(recognized).toMatchObject({
      echoedTraits: ['firstName'],
      traitTimes: { firstName: '2024-12-31T23:59:59.999Z' },
    });
  });

  it('leaves records alone when nothing held is a copy and nothing was sent', () => {
    const own = { ...heldCopy, echoedTraits: null, traitTimes: null };
    const record = { index: 0, connectionId: CRM, externalId: 'h1' } as PreparedRecord;
    expect(recognizeEchoes([record], stateHolding(own))[0]).toBe(record);
  });
});

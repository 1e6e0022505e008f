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

  it("takes a value back to one we once sent as the tool's own when its earlier id held its own since", () => {
    // We sent a@… to the tool; its member moved to b@… (a new id, its own value), and now
    // comes back to a@… under the first id, whose held version is a deletion.
    const member = (externalId: string, email: string, updatedAt: string): SourceState => ({
      ...heldCopy,
      externalId,
      updatedAt,
      traits: { email },
      traitTimes: null,
      echoedTraits: null,
    });
    const state = stateHolding({
      ...member('m1', 'a@x.io', '2025-01-01T00:00:00.000Z'),
      deleted: true,
    });
    const movedAway = member('m2', 'b@x.io', '2025-02-01T00:00:00.000Z');
    state.sources.set(sourceKey(CRM, 'm2'), movedAway);
    state.sentValues.set(
      'p1',
      new Map([
        [
          CRM,
          {
            email: [
              {
                value: 'a@x.io',
                setAt: '2024-12-30T00:00:00.000Z',
                sentAt: '2024-12-31T00:00:00.000Z',
              },
            ],
          },
        ],
      ]),
    );
    const back: PreparedRecord = {
      index: 0,
      connectionId: CRM,
      externalId: 'm1',
      updatedAt: '2025-03-01T00:00:00.000Z',
      deleted: false,
      traits: { email: 'a@x.io' },
      identifiers: [],
      hash: 'c',
      raw: null,
    };
    expect(recognizeEchoes([back], state)[0]).toBe(back);
    // Without the record under the other id, it would pass for our old write.
    state.sources.delete(sourceKey(CRM, 'm2'));
    expect(recognizeEchoes([back], state)[0]).toMatchObject({ echoedTraits: ['email'] });
  });

  it('leaves records alone when nothing held is a copy and nothing was sent', () => {
    const own = { ...heldCopy, echoedTraits: null, traitTimes: null };
    const record = { index: 0, connectionId: CRM, externalId: 'h1' } as PreparedRecord;
    expect(recognizeEchoes([record], stateHolding(own))[0]).toBe(record);
  });
});

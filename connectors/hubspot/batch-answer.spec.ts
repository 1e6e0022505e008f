import { readBatchAnswer, type BatchEntry } from './batch-answer';

const entry = (traceId: string, key: string, propertyNames = ['firstname']): BatchEntry => ({
  traceId,
  key,
  emails: key.includes('@') ? [key] : [],
  propertyNames,
});

describe('readBatchAnswer', () => {
  const upserts = [
    entry('p-1', 'ann@example.com'),
    entry('p-2', 'bad@'),
    entry('p-3', 'cy@example.com'),
  ];

  it('matches results by trace id, then by id or email; errors by their context', () => {
    const reading = readBatchAnswer(upserts, 207, {
      status: 'COMPLETE',
      results: [
        { id: '11', objectWriteTraceId: 'p-1', properties: {} },
        { id: '13', properties: { email: 'CY@example.com' } },
      ],
      errors: [
        {
          category: 'VALIDATION_ERROR',
          context: { objectWriteTraceId: ['p-2'] },
          errors: [{ message: 'Email address bad@ is invalid', code: 'INVALID_EMAIL' }],
        },
      ],
    });
    expect([...reading.outcomes]).toEqual([
      ['p-1', { kind: 'written', id: '11' }],
      ['p-3', { kind: 'written', id: '13' }],
      [
        'p-2',
        {
          kind: 'rejected',
          error: 'VALIDATION_ERROR: Email address bad@ is invalid (INVALID_EMAIL)',
        },
      ],
    ]);
    expect(reading.unresolved).toEqual([]);
  });

  it('reports unknown record ids of an update as not found, and leaves silent inputs unresolved', () => {
    const updates = [entry('p-1', '11'), entry('p-2', '999'), entry('p-3', '13')];
    const reading = readBatchAnswer(updates, 207, {
      results: [{ id: '11', objectWriteTraceId: 'p-1' }],
      errors: [
        {
          category: 'OBJECT_NOT_FOUND',
          message: 'Could not get some CONTACT objects',
          context: { ids: ['999'] },
        },
      ],
    });
    expect(reading.outcomes.get('p-2')).toEqual({
      kind: 'not-found',
      error: 'OBJECT_NOT_FOUND: Could not get some CONTACT objects',
    });
    expect(reading.unresolved).toEqual([updates[2]]);
  });

  it('pairs a lone input with a lone result, or with an error naming nobody', () => {
    const [only] = upserts;
    expect(
      readBatchAnswer([only], 200, { results: [{ id: '11', properties: {} }] }).outcomes,
    ).toEqual(new Map([['p-1', { kind: 'written', id: '11' }]]));
    const reading = readBatchAnswer(upserts.slice(0, 2), 207, {
      results: [{ id: '11', objectWriteTraceId: 'p-1' }],
      errors: [{ category: 'VALIDATION_ERROR', message: 'Invalid input' }],
    });
    expect(reading.outcomes.get('p-2')).toEqual({
      kind: 'rejected',
      error: 'VALIDATION_ERROR: Invalid input',
    });
    // Two inputs unaccounted for and an anonymous error: which one failed is unknown.
    expect(
      readBatchAnswer(upserts, 207, {
        results: [{ id: '11', objectWriteTraceId: 'p-1' }],
        errors: [{ category: 'VALIDATION_ERROR', message: 'Invalid input' }],
      }).unresolved.map((e) => e.traceId),
    ).toEqual(['p-2', 'p-3']);
  });

  it('blames the inputs a refused batch quotes, names or shares a refused property with', () => {
    const invalidEmail = readBatchAnswer(upserts, 400, {
      category: 'VALIDATION_ERROR',
      message:
        'Property values were not valid: [{"isValid":false,"message":"Email address bad@ is invalid","error":"INVALID_EMAIL","name":"email"}]',
    });
    expect([...invalidEmail.outcomes.keys()]).toEqual(['p-2']);
    expect(invalidEmail.outcomes.get('p-2')).toMatchObject({ kind: 'rejected' });
    expect(invalidEmail.unresolved.map((e) => e.traceId)).toEqual(['p-1', 'p-3']);

    const custom = [
      entry('p-1', 'a@x.io', ['firstname', 'tier']),
      entry('p-2', 'b@x.io', ['firstname']),
    ];
    const noSuchProperty = readBatchAnswer(custom, 400, {
      category: 'VALIDATION_ERROR',
      message:
        'Property values were not valid: [{"isValid":false,"message":"Property \\"tier\\" does not exist","error":"PROPERTY_DOESNT_EXIST","name":"tier"}]',
    });
    expect([...noSuchProperty.outcomes.keys()]).toEqual(['p-1']);

    // A substring is not a quote: "ann@example.com" does not blame "n@example.com".
    const near = readBatchAnswer([entry('p-9', 'n@example.com')], 400, {
      message: 'Email address ann@example.com is invalid',
    });
    expect(near.unresolved).toHaveLength(1);

    const silent = readBatchAnswer(upserts, 400, {
      category: 'VALIDATION_ERROR',
      message: 'Invalid input',
    });
    expect(silent.outcomes.size).toBe(0);
    expect(silent.unresolved).toHaveLength(3);
  });
});

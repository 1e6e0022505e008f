import { describeZendeskError, rejectsField } from './errors';

describe('describeZendeskError', () => {
  it('prefers the field details of a 422, then the description, then the code or text', () => {
    const invalid = {
      error: 'RecordInvalid',
      description: 'Record validation errors',
      details: {
        email: [{ description: 'Email: x is not properly formatted', error: 'InvalidValue' }],
        name: [{ description: 'Name: cannot be blank', error: 'BlankValue' }],
      },
    };
    expect(describeZendeskError(422, invalid)).toBe(
      'HTTP 422: Email: x is not properly formatted; Name: cannot be blank',
    );
    expect(rejectsField(invalid, 'name')).toBe(true);
    expect(rejectsField(invalid, 'phone')).toBe(false);
    expect(describeZendeskError(404, { error: 'RecordNotFound', description: 'Not found' })).toBe(
      'HTTP 404: Not found',
    );
    expect(describeZendeskError(403, { error: 'Forbidden' })).toBe('HTTP 403: Forbidden');
    expect(describeZendeskError(400, { error: { title: 'Bad', message: 'Bad cursor' } })).toBe(
      'HTTP 400: Bad cursor',
    );
    expect(describeZendeskError(429, 'Too many')).toBe('HTTP 429: Too many');
    expect(describeZendeskError(500, undefined)).toBe('HTTP 500');
    expect(describeZendeskError(422, 'x'.repeat(400))).toHaveLength(301);
  });
});

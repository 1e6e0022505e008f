import { describeBatchError, describeHubspotError, propertyProblems } from './errors';

const invalid =
  'Property values were not valid: [{"isValid":false,"message":"Email address ann@ is invalid","error":"INVALID_EMAIL","name":"email"},{"isValid":false,"message":"Property \\"x\\" does not exist","error":"PROPERTY_DOESNT_EXIST","name":"x"}]';

describe('HubSpot error descriptions', () => {
  it('unpacks the property verdicts HubSpot packs into a validation message', () => {
    expect(propertyProblems(invalid)).toEqual([
      { name: 'email', error: 'INVALID_EMAIL', message: 'Email address ann@ is invalid' },
      { name: 'x', error: 'PROPERTY_DOESNT_EXIST', message: 'Property "x" does not exist' },
    ]);
    expect(propertyProblems('Property values were not valid: not json')).toEqual([]);
    expect(propertyProblems('Contact already exists')).toEqual([]);
    expect(propertyProblems(undefined)).toEqual([]);
  });

  it('describes a refused batch with status, category and the verdicts', () => {
    expect(
      describeHubspotError(400, {
        status: 'error',
        category: 'VALIDATION_ERROR',
        message: invalid,
      }),
    ).toBe(
      'HTTP 400 VALIDATION_ERROR: Email address ann@ is invalid (INVALID_EMAIL); Property "x" does not exist (PROPERTY_DOESNT_EXIST)',
    );
    expect(
      describeHubspotError(409, {
        category: 'CONFLICT',
        message: 'Contact already exists. Existing ID: 5',
      }),
    ).toBe('HTTP 409 CONFLICT: Contact already exists. Existing ID: 5');
    expect(describeHubspotError(400, 'Bad request')).toBe('HTTP 400: Bad request');
    expect(describeHubspotError(400, undefined)).toBe('HTTP 400');
    expect(describeHubspotError(400, { message: 'x'.repeat(400) })).toHaveLength(301);
  });

  it('prefers the detailed errors of one multi-status entry', () => {
    expect(
      describeBatchError({
        category: 'VALIDATION_ERROR',
        message: invalid,
        errors: [{ message: 'Email address ann@ is invalid', code: 'INVALID_EMAIL', in: 'email' }],
      }),
    ).toBe('VALIDATION_ERROR: Email address ann@ is invalid (INVALID_EMAIL)');
    expect(describeBatchError({})).toBe('HubSpot refused this contact');
  });
});

import { describeProblem } from './problem';

describe('describeProblem', () => {
  it('joins title, detail and field errors of a problem body', () => {
    expect(
      describeProblem(400, {
        type: 'https://mailchimp.com/developer/marketing/docs/errors/',
        title: 'Invalid Resource',
        status: 400,
        detail: 'Your merge fields were invalid.',
        errors: [{ field: 'ADDRESS', message: 'Please enter a complete address' }],
      }),
    ).toBe(
      '400 Invalid Resource: Your merge fields were invalid.: ADDRESS: Please enter a complete address',
    );
  });

  it('falls back to the status for a body that is not a problem', () => {
    expect(describeProblem(400, 'oops')).toBe('HTTP 400');
    expect(describeProblem(400, undefined)).toBe('HTTP 400');
  });
});

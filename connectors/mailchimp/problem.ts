import type { MailchimpProblem } from './types';

/**
 * One line from Mailchimp's problem body for a failed member: the title names the kind
 * ("Invalid Resource", "Member In Compliance State"), the detail says what to fix, and
 * field errors (merge-field validation) say which field.
 */
export function describeProblem(status: number, body: unknown): string {
  const problem = (body && typeof body === 'object' ? body : {}) as MailchimpProblem;
  const parts = [problem.title, problem.detail].filter((part): part is string => !!part?.trim());
  const fields = (problem.errors ?? [])
    .map((error) => [error.field, error.message].filter(Boolean).join(': '))
    .filter(Boolean);
  if (fields.length > 0) parts.push(fields.join('; '));
  return parts.length > 0 ? `${status} ${parts.join(': ')}` : `HTTP ${status}`;
}

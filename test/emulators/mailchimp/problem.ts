import { randomUUID } from 'node:crypto';
import type { EmulatorResponse } from '../common';

/** Mailchimp answers every error with RFC 7807 problem details. */
export const PROBLEM_TYPE = 'https://mailchimp.com/developer/marketing/docs/errors/';

export function problem(
  status: number,
  title: string,
  detail: string,
  extra: { errors?: { field: string; message: string }[]; headers?: Record<string, string> } = {},
): EmulatorResponse {
  return {
    status,
    headers: {
      'content-type': 'application/problem+json; charset=utf-8',
      link: '<https://us19.api.mailchimp.com/schema/3.0/ProblemDetailDocument.json>; rel="describedBy"',
      ...extra.headers,
    },
    body: {
      type: PROBLEM_TYPE,
      title,
      status,
      detail,
      instance: randomUUID(),
      ...(extra.errors ? { errors: extra.errors } : {}),
    },
  };
}

export const notFound = () =>
  problem(404, 'Resource Not Found', 'The requested resource could not be found.');

export const invalidResource = (detail: string, errors?: { field: string; message: string }[]) =>
  problem(400, 'Invalid Resource', detail, errors ? { errors } : {});

export const fieldErrors = (errors: { field: string; message: string }[]) =>
  invalidResource(
    "The resource submitted could not be validated. For field-specific details, see the 'errors' array.",
    errors,
  );

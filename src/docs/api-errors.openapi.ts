import type { OpenAPIObject } from '@nestjs/swagger';

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;
type Responses = Operation['responses'];

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const ERROR_BODY_REF = '#/components/schemas/ErrorBody';

const VALIDATION_ERROR =
  'Invalid input: `message` names each bad field and `errors` lists them as `[{field, message}]` ' +
  '(a malformed id, an unknown or mistyped field, a limit outside 1-200, a cursor this API did not issue).';

/**
 * Documents the error answers every /v1 route shares, which controllers' decorators leave out:
 * the 400 of the global validation (any route taking an id, a query or a body answers it) and
 * the `{statusCode, error, message}` body of every error, so generated clients can read them.
 */
export function documentApiErrors(document: OpenAPIObject): void {
  document.components ??= {};
  document.components.schemas ??= {};
  document.components.schemas.ErrorBody = {
    type: 'object',
    required: ['statusCode', 'error', 'message'],
    properties: {
      statusCode: { type: 'integer', example: 400 },
      error: { type: 'string', example: 'Bad Request' },
      message: { type: 'string', example: 'limit: limit must not be greater than 200' },
      code: { type: 'string', example: 'INVALID_INPUT' },
      errors: {
        type: 'array',
        description: 'Validation errors: each bad field with what is wrong with it.',
        items: {
          type: 'object',
          required: ['field', 'message'],
          properties: { field: { type: 'string' }, message: { type: 'string' } },
        },
      },
    },
  };
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith('/v1/')) continue;
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (operation) documentOperationErrors(operation);
    }
  }
}

function documentOperationErrors(operation: Operation): void {
  const responses: Responses = { ...operation.responses };
  const takesInput = (operation.parameters?.length ?? 0) > 0 || operation.requestBody !== undefined;
  if (takesInput && !responses['400']) responses['400'] = { description: VALIDATION_ERROR };
  for (const [status, response] of Object.entries(responses)) {
    if (Number(status) >= 400 && response && !('$ref' in response) && !response.content) {
      response.content = { 'application/json': { schema: { $ref: ERROR_BODY_REF } } };
    }
  }
  operation.responses = Object.fromEntries(
    Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)),
  );
}

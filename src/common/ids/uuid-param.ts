import { Param, ParseUUIDPipe } from '@nestjs/common';
import { InvalidInputError } from '../errors/domain-error';

/**
 * `@Param(name)` that must be a UUID. A malformed one is the same 400 as any other bad input,
 * `errors: [{field: name, message}]`, rather than ParseUUIDPipe's own unnamed message.
 */
export function UuidParam(name: string): ParameterDecorator {
  return Param(
    name,
    new ParseUUIDPipe({
      exceptionFactory: () => new InvalidInputError([{ field: name, message: 'must be a UUID' }]),
    }),
  );
}

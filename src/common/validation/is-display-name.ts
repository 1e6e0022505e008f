import { applyDecorators } from '@nestjs/common';
import { IsString, Length, Matches, ValidateBy } from 'class-validator';
import { unstorableReason } from './storable-text';

/**
 * A name people pick things by in lists (a connection, a token): 1 to `maxLength` characters,
 * not only spaces, and text stored as given (PostgreSQL refuses NUL, and a `text` column
 * silently turns an unpaired surrogate into U+FFFD).
 */
export function IsDisplayName(maxLength: number): PropertyDecorator {
  return applyDecorators(
    IsString(),
    Length(1, maxLength),
    Matches(/\S/, { message: '$property must not be blank' }),
    ValidateBy({
      name: 'isStorableText',
      validator: {
        validate: (value) => typeof value !== 'string' || unstorableReason(value) === undefined,
        defaultMessage: (args) =>
          `${args?.property} ${unstorableReason(String(args?.value)) ?? 'cannot be stored'}`,
      },
    }),
  );
}

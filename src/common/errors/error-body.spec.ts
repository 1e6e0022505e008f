import { QueryFailedError } from 'typeorm';
import { toErrorBody } from './error-body';

function queryFailed(code: string, message = 'refused by PostgreSQL'): QueryFailedError {
  const driverError = Object.assign(new Error(message), { code });
  return new QueryFailedError('INSERT INTO connection …', [], driverError);
}

describe('toErrorBody', () => {
  it.each([
    ['22P05', 'unsupported Unicode escape sequence (\\u0000 in jsonb)'],
    ['22021', 'invalid byte sequence for encoding "UTF8": 0x00'],
  ])('answers PostgreSQL %s (%s) with a 400 saying what to remove', (code) => {
    expect(toErrorBody(queryFailed(code))).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: expect.stringContaining('U+0000'),
      code: 'INVALID_INPUT',
    });
  });

  it('answers a JSON string jsonb refuses (an unpaired surrogate) with the same 400', () => {
    expect(toErrorBody(queryFailed('22P02', 'invalid input syntax for type json'))).toMatchObject({
      statusCode: 400,
      code: 'INVALID_INPUT',
    });
  });

  it('keeps other invalid text representations (a bad uuid: our bug) a 500', () => {
    expect(
      toErrorBody(queryFailed('22P02', 'invalid input syntax for type uuid: "x"')),
    ).toMatchObject({ statusCode: 500 });
  });

  it('keeps other database failures a generic 500 that reveals nothing', () => {
    expect(toErrorBody(queryFailed('57P01'))).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Internal server error',
    });
  });
});

import { ArgumentsHost, Logger, ServiceUnavailableException } from '@nestjs/common';
import { HttpExceptionFilter } from './http-exception.filter';

function answer(exception: unknown) {
  const sent: { status?: number; body?: unknown } = {};
  const reply = {
    status(code: number) {
      sent.status = code;
      return this;
    },
    send(body: unknown) {
      sent.body = body;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => reply }) } as unknown as ArgumentsHost;
  new HttpExceptionFilter().catch(exception, host);
  return sent;
}

describe('HttpExceptionFilter', () => {
  let error: jest.SpyInstance;
  let warn: jest.SpyInstance;
  beforeEach(() => {
    error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('logs an unexpected error with its stack and answers a generic 500', () => {
    const sent = answer(new Error('boom'));
    expect(sent.status).toBe(500);
    expect(JSON.stringify(sent.body)).not.toContain('boom');
    expect(error).toHaveBeenCalledWith(expect.any(Error));
    expect(warn).not.toHaveBeenCalled();
  });

  it('logs a 503 (a dependency down) as a warning with its message, not as an error', () => {
    const sent = answer(new ServiceUnavailableException('Redis is down'));
    expect(sent.status).toBe(503);
    expect(warn).toHaveBeenCalledWith(
      { statusCode: 503, message: 'Redis is down' },
      'answered 503',
    );
    expect(error).not.toHaveBeenCalled();
  });
});

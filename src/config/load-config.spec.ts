import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './load-config';

const valid = {
  SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
  ADMIN_TOKEN: 'admin-token-0123456789abcdef',
};

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig({ ...valid, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('loadConfig: PUBLIC_URL', () => {
  it('takes an http(s) base URL, without its trailing slash', () => {
    expect(
      loadConfig({ ...valid, PUBLIC_URL: 'https://hooks.example.com/syncline/' }).publicUrl,
    ).toBe('https://hooks.example.com/syncline');
  });

  it.each([
    ['ftp://hooks.example.com', 'another scheme'],
    ['https://hooks.example.com/?tenant=1', 'a query string'],
    ['https://hooks.example.com/#top', 'a fragment'],
  ])('refuses %s (%s): webhook URLs are PUBLIC_URL + /webhooks/<id>', (value) => {
    expect(problemsOf({ PUBLIC_URL: value })).toEqual([
      expect.stringMatching(
        /^PUBLIC_URL is invalid: expected an http\(s\) base URL like https:\/\//,
      ),
    ]);
  });
});

describe('loadConfig: config/.env.example', () => {
  /** The file as an operator copies it: `NAME=value` lines, blanks meaning "not set". */
  const example = Object.fromEntries(
    readFileSync(join(__dirname, '../../config/.env.example'), 'utf8')
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );

  it('starts once the two required values are filled in, reading blank ones as unset', () => {
    const config = loadConfig({ ...example, ...valid });
    expect(config.publicUrl).toBeUndefined();
    expect(config.connectorsDir).toBeUndefined();
    expect(config.previousSecretsKeys).toEqual([]);
  });

  it('says a blank required value is required, not malformed', () => {
    expect(problemsOf({ ...example })).toEqual([
      expect.stringMatching(/^SECRETS_KEY is required: /),
      expect.stringMatching(/^ADMIN_TOKEN is required: /),
    ]);
  });
});

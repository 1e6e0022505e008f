import { createHash, randomBytes } from 'node:crypto';

const TOKEN_PREFIX = 'sl_';
const VISIBLE_PREFIX_LENGTH = 10;

/** A new random token: 32 bytes of entropy, so a plain SHA-256 is a safe way to store it. */
export function generateToken(): { token: string; hash: Buffer; prefix: string } {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashToken(token), prefix: token.slice(0, VISIBLE_PREFIX_LENGTH) };
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

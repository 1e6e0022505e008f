import { randomBytes } from 'node:crypto';
import { SecretBox, SecretBoxError } from './secret-box';

describe('SecretBox', () => {
  const key = randomBytes(32);

  it('round-trips a value and never exposes the plain text in the sealed form', () => {
    const box = new SecretBox(key);
    const sealed = box.seal('pat-na1-super-secret', 'conn-1:accessToken');
    expect(sealed).not.toContain('super-secret');
    expect(sealed.startsWith(`v1.${box.currentKeyId}.`)).toBe(true);
    expect(box.open(sealed, 'conn-1:accessToken')).toBe('pat-na1-super-secret');
  });

  it('uses a fresh nonce for every value', () => {
    const box = new SecretBox(key);
    const a = box.seal('same', 'x');
    const b = box.seal('same', 'x');
    expect(a).not.toBe(b);
    expect(a.split('.')[2]).not.toBe(b.split('.')[2]);
  });

  it('refuses a value moved to another field (associated data)', () => {
    const box = new SecretBox(key);
    const sealed = box.seal('secret', 'conn-1:accessToken');
    expect(() => box.open(sealed, 'conn-2:accessToken')).toThrow(SecretBoxError);
  });

  it('refuses a tampered ciphertext', () => {
    const box = new SecretBox(key);
    const parts = box.seal('secret', 'a').split('.');
    const ciphertext = Buffer.from(parts[3], 'base64url');
    ciphertext[0] ^= 0xff;
    parts[3] = ciphertext.toString('base64url');
    expect(() => box.open(parts.join('.'), 'a')).toThrow('failed authentication');
  });

  it('opens values sealed under a previous key after rotation and flags them for re-sealing', () => {
    const oldBox = new SecretBox(key);
    const sealed = oldBox.seal('secret', 'a');
    const rotated = new SecretBox(randomBytes(32), [key]);
    expect(rotated.open(sealed, 'a')).toBe('secret');
    expect(rotated.needsReseal(sealed)).toBe(true);
    expect(rotated.needsReseal(rotated.seal('secret', 'a'))).toBe(false);
  });

  it('names the missing key when a value was sealed with a key it does not hold', () => {
    const sealed = new SecretBox(key).seal('secret', 'a');
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'a')).toThrow(/neither SECRETS_KEY/);
  });
});

import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM sealing of individual secret values.
 *
 * Sealed form: `v1.<keyId>.<nonce>.<ciphertext>.<tag>` (base64url parts). Each value gets a
 * fresh 96-bit nonce; the key id (first 8 bytes of SHA-256 of the key) says which key sealed
 * it, so after a rotation old values still open with a previous key and `needsReseal`
 * tells the caller to re-encrypt them under the current one. `aad` binds a value to where
 * it is stored (connection and field), so a ciphertext copied elsewhere does not open.
 */
const VERSION = 'v1';
const NONCE_BYTES = 12;

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest().subarray(0, 8).toString('base64url');
}

export class SecretBox {
  private readonly keys = new Map<string, Buffer>();
  readonly currentKeyId: string;

  constructor(
    private readonly currentKey: Buffer,
    previousKeys: Buffer[] = [],
  ) {
    for (const key of [currentKey, ...previousKeys]) {
      if (key.length !== 32) throw new SecretBoxError('AES-256-GCM keys are 32 bytes');
      this.keys.set(keyId(key), key);
    }
    this.currentKeyId = keyId(currentKey);
  }

  seal(plain: string, aad: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.currentKey, nonce);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, this.currentKeyId, nonce, ciphertext, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  open(sealed: string, aad: string): string {
    const [version, kid, nonce, ciphertext, tag] = sealed.split('.');
    if (version !== VERSION || !kid || nonce === undefined || ciphertext === undefined || !tag) {
      throw new SecretBoxError('Not a sealed secret');
    }
    const key = this.keys.get(kid);
    if (!key) {
      throw new SecretBoxError(
        `Secret was sealed with key ${kid}, which is neither SECRETS_KEY nor in SECRETS_KEYS_PREVIOUS`,
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new SecretBoxError('Secret failed authentication (wrong key or tampered value)');
    }
  }

  /** True when the value was sealed with an older key and should be re-sealed. */
  needsReseal(sealed: string): boolean {
    return sealed.split('.')[1] !== this.currentKeyId;
  }
}

import { createHash, hash as oneShotHash, hkdfSync } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { SecretBox } from '../../common/crypto/secret-box';
import type { AppConfig } from '../../config/app-config';
import { openOrCreateSealedSetting } from '../../database/sealed-settings';

const SALT_BYTES = 32;
/** Room for the salt and any identifier value (external keys are at most ~550 UTF-16 units). */
const SCRATCH_BYTES = 4096;

/** Injection token for the suppression salt (a Buffer), loaded by `loadSuppressionSalt`. */
export const SUPPRESSION_SALT = Symbol('SUPPRESSION_SALT');

/** The salt a deployment starts with: HKDF of its SECRETS_KEY (what every hash used before it was stored). */
export function deriveSuppressionSalt(secretsKey: Buffer): Buffer {
  return Buffer.from(
    hkdfSync('sha256', secretsKey, 'syncline', 'profile-suppression-salt/v1', SALT_BYTES),
  );
}

/**
 * The deployment's suppression salt, stored sealed in the database. It must outlive SECRETS_KEY
 * rotations: a salt that changed with the key would stop every erased person's hashes from
 * matching, and the next sync would re-create them.
 */
export async function loadSuppressionSalt(db: DataSource, config: AppConfig): Promise<Buffer> {
  const salt = await openOrCreateSealedSetting(
    db,
    new SecretBox(config.secretsKey, config.previousSecretsKeys),
    {
      name: 'profile-suppression-salt',
      description: 'suppression salt (which keeps erased people from being re-created)',
      consequenceOfReset:
        'people erased until now are no longer recognised, and a tool still holding them brings them back',
      initial: () => deriveSuppressionSalt(config.secretsKey).toString('base64'),
    },
  );
  return Buffer.from(salt, 'base64');
}

/**
 * SHA-256 of an identifier with a server-side salt, so suppression hashes cannot be reversed
 * with a dictionary of emails by someone holding only a database dump (the salt itself is
 * sealed under SECRETS_KEY).
 */
@Injectable()
export class SuppressionHasher {
  private readonly salt: Buffer;
  /** salt || value, rewritten per call: ingest hashes every identifier of every record. */
  private readonly scratch = Buffer.allocUnsafe(SCRATCH_BYTES);

  constructor(@Inject(SUPPRESSION_SALT) salt: Buffer) {
    if (salt.length !== SALT_BYTES) throw new Error(`The suppression salt is ${SALT_BYTES} bytes`);
    this.salt = Buffer.from(salt);
    this.salt.copy(this.scratch);
  }

  /** Hex digest for `type` ('email' | 'phone' | 'external') and its normalized value. */
  hash(type: string, value: string): string {
    const text = `${type}:${value}`;
    // One-shot hashing (Node ≥ 20.12) of a reused buffer is about twice as fast as a Hash object.
    // UTF-8 needs at most 3 bytes per UTF-16 unit, so the length check rules out truncation.
    if (typeof oneShotHash === 'function' && SALT_BYTES + text.length * 3 <= SCRATCH_BYTES) {
      const length = this.scratch.write(text, SALT_BYTES, 'utf8');
      return oneShotHash('sha256', this.scratch.subarray(0, SALT_BYTES + length), 'hex');
    }
    return createHash('sha256').update(this.salt).update(text).digest('hex');
  }
}

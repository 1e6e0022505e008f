import { createHash, hash as oneShotHash, hkdfSync } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';

const SALT_BYTES = 32;
/** Room for the salt and any identifier value (external keys are at most ~550 UTF-16 units). */
const SCRATCH_BYTES = 4096;

/**
 * SHA-256 of an identifier with a server-side salt. The salt is derived from SECRETS_KEY with
 * HKDF (no extra variable to manage), so suppression hashes cannot be reversed with a
 * dictionary of emails by someone holding only a database dump.
 */
@Injectable()
export class SuppressionHasher {
  private readonly salt: Buffer;
  /** salt || value, rewritten per call: ingest hashes every identifier of every record. */
  private readonly scratch = Buffer.allocUnsafe(SCRATCH_BYTES);

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'secretsKey'>) {
    this.salt = Buffer.from(
      hkdfSync('sha256', config.secretsKey, 'syncline', 'profile-suppression-salt/v1', SALT_BYTES),
    );
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

import { createHash, hkdfSync } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';

/**
 * SHA-256 of an identifier with a server-side salt. The salt is derived from SECRETS_KEY with
 * HKDF (no extra variable to manage), so suppression hashes cannot be reversed with a
 * dictionary of emails by someone holding only a database dump.
 */
@Injectable()
export class SuppressionHasher {
  private readonly salt: Buffer;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'secretsKey'>) {
    this.salt = Buffer.from(
      hkdfSync('sha256', config.secretsKey, 'syncline', 'profile-suppression-salt/v1', 32),
    );
  }

  /** Hex digest for `type` ('email' | 'phone' | 'external') and its normalized value. */
  hash(type: string, value: string): string {
    return createHash('sha256').update(this.salt).update(`${type}:${value}`).digest('hex');
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { SecretBox, SecretBoxError } from '../common/crypto/secret-box';
import { DomainError } from '../common/errors/domain-error';

/**
 * A connection's stored credentials cannot be opened with the configured keys: the key they
 * were sealed under was dropped from SECRETS_KEYS_PREVIOUS too early, or the value was altered.
 * Nothing can use the connection until the key is restored or the credentials are entered again.
 */
export class UnreadableCredentialsError extends DomainError {
  readonly code = 'CREDENTIALS_UNREADABLE';
  readonly httpStatus = 409;

  constructor(connectionId: string, field: string, reason: string) {
    super(
      `The stored credentials of connection ${connectionId} cannot be opened (${field}: ${reason}). ` +
        'Restore the key in SECRETS_KEYS_PREVIOUS, or enter every credential again with PATCH.',
      { field: `credentials.${field}` },
    );
  }
}

/**
 * Seals and opens connection credentials field by field. Each value is bound to its
 * connection and field name, so a ciphertext copied to another row or field will not open.
 */
@Injectable()
export class ConnectionSecrets {
  private readonly box: SecretBox;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.box = new SecretBox(config.secretsKey, config.previousSecretsKeys);
  }

  seal(connectionId: string, plain: Record<string, string>): Record<string, string> {
    return Object.fromEntries(
      Object.entries(plain).map(([field, value]) => [
        field,
        this.box.seal(value, aad(connectionId, field)),
      ]),
    );
  }

  /** @throws UnreadableCredentialsError when a value does not open with the configured keys. */
  open(connectionId: string, sealed: Record<string, string>): Record<string, string> {
    return Object.fromEntries(
      Object.entries(sealed).map(([field, value]) => {
        try {
          return [field, this.box.open(value, aad(connectionId, field))];
        } catch (error) {
          if (error instanceof SecretBoxError) {
            throw new UnreadableCredentialsError(connectionId, field, error.message);
          }
          throw error;
        }
      }),
    );
  }

  /**
   * Opens every value the configured keys can, and names the others: what a credentials PATCH
   * may keep, and what it must enter again, after a key was lost.
   */
  openReadable(
    connectionId: string,
    sealed: Record<string, string>,
  ): { opened: Record<string, string>; unreadable: string[] } {
    const opened: Record<string, string> = {};
    const unreadable: string[] = [];
    for (const [field, value] of Object.entries(sealed)) {
      try {
        opened[field] = this.box.open(value, aad(connectionId, field));
      } catch (error) {
        if (!(error instanceof SecretBoxError)) throw error;
        unreadable.push(field);
      }
    }
    return { opened, unreadable };
  }

  /** Fields sealed under a previous key, to be re-sealed on the next write. */
  staleFields(sealed: Record<string, string>): string[] {
    return Object.entries(sealed)
      .filter(([, value]) => this.box.needsReseal(value))
      .map(([field]) => field);
  }

  /**
   * The credentials with every value sealed under a previous key re-sealed under the current
   * one, or null when none needs it. A value no configured key opens is kept as it is, for
   * the key to be restored or the credential entered again.
   */
  resealStale(connectionId: string, sealed: Record<string, string>): Record<string, string> | null {
    const candidates = this.staleFields(sealed);
    if (candidates.length === 0) return null;
    const { opened } = this.openReadable(connectionId, sealed);
    const stale = candidates.filter((field) => field in opened);
    if (stale.length === 0) return null;
    const resealed = this.seal(
      connectionId,
      Object.fromEntries(stale.map((field) => [field, opened[field]])),
    );
    return { ...sealed, ...resealed };
  }
}

function aad(connectionId: string, field: string): string {
  return `connection:${connectionId}:credentials:${field}`;
}

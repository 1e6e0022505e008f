import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { SecretBox } from '../common/crypto/secret-box';

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

  open(connectionId: string, sealed: Record<string, string>): Record<string, string> {
    return Object.fromEntries(
      Object.entries(sealed).map(([field, value]) => [
        field,
        this.box.open(value, aad(connectionId, field)),
      ]),
    );
  }

  /** Fields sealed under a previous key, to be re-sealed on the next write. */
  staleFields(sealed: Record<string, string>): string[] {
    return Object.entries(sealed)
      .filter(([, value]) => this.box.needsReseal(value))
      .map(([field]) => field);
  }
}

function aad(connectionId: string, field: string): string {
  return `connection:${connectionId}:credentials:${field}`;
}

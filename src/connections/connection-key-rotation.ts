import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ConnectionSecrets } from './connection-secrets';

/**
 * Finishes a SECRETS_KEY rotation: at start-up, every connection whose credentials are still
 * sealed under a key from SECRETS_KEYS_PREVIOUS is re-sealed under SECRETS_KEY. Without it only
 * connections edited since the rotation moved to the new key, and dropping the old key later
 * broke every other one; now the old key may go once every process has started with the new one.
 */
@Injectable()
export class ConnectionKeyRotation implements OnApplicationBootstrap {
  private readonly logger = new Logger(ConnectionKeyRotation.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly secrets: ConnectionSecrets,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      const resealed = await this.resealAll();
      if (resealed > 0) {
        this.logger.log(`Re-sealed the credentials of ${resealed} connection(s) under SECRETS_KEY`);
      }
    } catch (error) {
      // Not a reason to refuse to start: the next start, or the next write, re-seals them.
      this.logger.warn(`Could not re-seal connection credentials: ${(error as Error).message}`);
    }
  }

  /** Re-seals every stale connection; returns how many were written. */
  async resealAll(): Promise<number> {
    const rows = (await this.db.query(`SELECT id, credentials FROM connection`)) as {
      id: string;
      credentials: Record<string, string>;
    }[];
    let resealed = 0;
    for (const row of rows) {
      const credentials = this.secrets.resealStale(row.id, row.credentials);
      if (!credentials) continue;
      // Only over the values read: a PATCH that entered new credentials meanwhile wins.
      const [, updated] = (await this.db.query(
        `UPDATE connection SET credentials = $2::jsonb WHERE id = $1 AND credentials = $3::jsonb`,
        [row.id, JSON.stringify(credentials), JSON.stringify(row.credentials)],
      )) as [unknown, number];
      resealed += updated;
    }
    return resealed;
  }
}

import type { AppConfig } from '../config/app-config';
import { ApiTokenEntity } from './api-token.entity';
import { ApiTokenRepository } from './api-token.repository';
import { hashToken } from './token-secret';
import { TokensService } from './tokens.service';

describe('TokensService: revoking a token while a request with it is being authenticated', () => {
  const row: ApiTokenEntity = {
    id: 't1',
    name: 'ci',
    role: 'admin',
    tokenHash: hashToken('sl_in_flight'),
    tokenPrefix: 'sl_in_flig',
    createdAt: new Date(),
    lastUsedAt: new Date(),
  };

  it('does not let the in-flight lookup put the revoked token back in the cache', async () => {
    const rows = new Map([[row.id, row]]);
    let releaseLookup: () => void = () => undefined;
    let slowLookups = 1;
    const repository = {
      findByHash: async (hash: Buffer) => {
        const found = [...rows.values()].find((r) => r.tokenHash.equals(hash)) ?? null;
        if (slowLookups-- > 0) await new Promise<void>((resolve) => (releaseLookup = resolve));
        return found;
      },
      delete: async (id: string) => rows.delete(id),
      touch: async () => undefined,
    };
    const tokens = new TokensService(
      repository as unknown as ApiTokenRepository,
      { adminToken: 'env-admin-token-0123456789abcdef' } as AppConfig,
    );

    // The request read the row before the revocation committed, and finishes after it.
    const inFlight = tokens.authenticate('sl_in_flight');
    await new Promise((resolve) => setImmediate(resolve));
    await tokens.revoke('t1');
    releaseLookup();
    await inFlight;

    expect(await tokens.authenticate('sl_in_flight')).toBeNull();
  });
});

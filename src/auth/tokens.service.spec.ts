import type { AppConfig } from '../config/app-config';
import { ApiTokenEntity } from './api-token.entity';
import { ApiTokenRepository } from './api-token.repository';
import { TOKEN_CACHE_TTL_MS } from './token-lookup-cache';
import { hashToken } from './token-secret';
import { TokensService } from './tokens.service';

/** The token table, in memory, counting lookups. */
class FakeTokenRepository {
  readonly rows = new Map<string, ApiTokenEntity>();
  lookups = 0;

  add(id: string, token: string, role: ApiTokenEntity['role']): void {
    this.rows.set(id, {
      id,
      name: id,
      role,
      tokenHash: hashToken(token),
      tokenPrefix: token.slice(0, 10),
      createdAt: new Date(),
      lastUsedAt: new Date(),
    });
  }

  async findByHash(hash: Buffer): Promise<ApiTokenEntity | null> {
    this.lookups += 1;
    return [...this.rows.values()].find((row) => row.tokenHash.equals(hash)) ?? null;
  }

  async delete(id: string): Promise<boolean> {
    return this.rows.delete(id);
  }

  async touch(): Promise<void> {}
}

describe('TokensService.authenticate (token lookup cache)', () => {
  const adminToken = 'env-admin-token-0123456789abcdef';
  let repository: FakeTokenRepository;
  let tokens: TokensService;

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2025-01-01T00:00:00Z') });
    repository = new FakeTokenRepository();
    tokens = new TokensService(
      repository as unknown as ApiTokenRepository,
      { adminToken } as AppConfig,
    );
  });
  afterEach(() => jest.useRealTimers());

  it('asks the database once per token while the entry is fresh', async () => {
    repository.add('t1', 'sl_viewer', 'viewer');
    for (let i = 0; i < 5; i += 1) {
      expect(await tokens.authenticate('sl_viewer')).toEqual({ tokenId: 't1', role: 'viewer' });
    }
    expect(repository.lookups).toBe(1);
    jest.advanceTimersByTime(TOKEN_CACHE_TTL_MS + 1);
    await tokens.authenticate('sl_viewer');
    expect(repository.lookups).toBe(2);
  });

  it('refuses a token revoked by another process within the cache lifetime', async () => {
    repository.add('t1', 'sl_viewer', 'viewer');
    await tokens.authenticate('sl_viewer');
    repository.rows.delete('t1'); // what DELETE /v1/tokens/:id on another replica does
    jest.advanceTimersByTime(TOKEN_CACHE_TTL_MS + 1);
    expect(await tokens.authenticate('sl_viewer')).toBeNull();
  });

  it('refuses a token revoked in this process at once', async () => {
    repository.add('t1', 'sl_admin', 'admin');
    await tokens.authenticate('sl_admin');
    await tokens.revoke('t1');
    expect(await tokens.authenticate('sl_admin')).toBeNull();
  });

  it('does not remember unknown tokens, so one created meanwhile works at once', async () => {
    expect(await tokens.authenticate('sl_new')).toBeNull();
    repository.add('t2', 'sl_new', 'viewer');
    expect(await tokens.authenticate('sl_new')).toEqual({ tokenId: 't2', role: 'viewer' });
  });

  it('never looks up the bootstrap token', async () => {
    expect(await tokens.authenticate(adminToken)).toEqual({ tokenId: 'env', role: 'admin' });
    expect(repository.lookups).toBe(0);
  });
});

import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { NotFoundError } from '../common/errors/domain-error';
import { decodeCursor, Page, toPage } from '../common/pagination/cursor';
import { ApiTokenEntity, TokenRole } from './api-token.entity';
import { ApiTokenRepository } from './api-token.repository';
import { AuthenticatedPrincipal } from './authenticated-principal';
import { TokenLookupCache } from './token-lookup-cache';
import { generateToken, hashToken } from './token-secret';

export interface TokenView {
  id: string;
  name: string;
  role: TokenRole;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** Only write `last_used_at` this often per token, so reads do not turn into writes. */
const TOUCH_INTERVAL_MS = 60_000;

@Injectable()
export class TokensService {
  /** Spares the bearer guard a database round trip per request; see TOKEN_CACHE_TTL_MS. */
  private readonly recent = new TokenLookupCache();
  /** Hashed once: every request's token is hashed anyway, then compared in constant time. */
  private readonly adminTokenHash: Buffer;

  constructor(
    private readonly tokens: ApiTokenRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.adminTokenHash = hashToken(config.adminToken);
  }

  async create(name: string, role: TokenRole): Promise<TokenView & { token: string }> {
    const { token, hash, prefix } = generateToken();
    const saved = await this.tokens.create({ name, role, tokenHash: hash, tokenPrefix: prefix });
    return { ...present(saved), token };
  }

  async list(limit: number, cursor?: string): Promise<Page<TokenView>> {
    const rows = await this.tokens.list(limit + 1, decodeCursor(cursor));
    return toPage(rows, limit, present);
  }

  async revoke(id: string): Promise<void> {
    const deleted = await this.tokens.delete(id);
    this.recent.forgetToken(id);
    if (!deleted) throw new NotFoundError(`No token with id ${id}`);
  }

  /** Resolves a presented bearer token, or returns null when it is unknown. */
  async authenticate(presented: string): Promise<AuthenticatedPrincipal | null> {
    // Comparing and looking up SHA-256 hashes of the presented token: an attacker learns
    // nothing from timing that would help guess a token, since matching hashes requires the
    // token itself.
    const hash = hashToken(presented);
    if (timingSafeEqual(hash, this.adminTokenHash)) return { tokenId: 'env', role: 'admin' };
    const key = hash.toString('base64');
    const cached = this.recent.get(key);
    if (cached) return cached;
    const stored = await this.tokens.findByHash(hash);
    if (!stored) return null;
    const now = new Date();
    if (!stored.lastUsedAt || now.getTime() - stored.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
      await this.tokens.touch(stored.id, now);
    }
    const principal: AuthenticatedPrincipal = { tokenId: stored.id, role: stored.role };
    this.recent.set(key, principal);
    return principal;
  }
}

function present(token: ApiTokenEntity): TokenView {
  return {
    id: token.id,
    name: token.name,
    role: token.role,
    prefix: token.tokenPrefix,
    createdAt: token.createdAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
  };
}

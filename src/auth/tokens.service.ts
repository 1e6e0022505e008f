import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { NotFoundError } from '../common/errors/domain-error';
import { decodeCursor, Page, toPage } from '../common/pagination/cursor';
import { ApiTokenEntity, TokenRole } from './api-token.entity';
import { ApiTokenRepository } from './api-token.repository';
import { AuthenticatedPrincipal } from './authenticated-principal';
import { generateToken, hashToken, tokensEqual } from './token-secret';

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
  constructor(
    private readonly tokens: ApiTokenRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

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
    if (!(await this.tokens.delete(id))) throw new NotFoundError(`No token with id ${id}`);
  }

  /** Resolves a presented bearer token, or returns null when it is unknown. */
  async authenticate(presented: string): Promise<AuthenticatedPrincipal | null> {
    if (tokensEqual(presented, this.config.adminToken)) return { tokenId: 'env', role: 'admin' };
    // The lookup is by SHA-256 of the presented token: an attacker learns nothing from
    // timing that would help guess a token, since matching hashes requires the token itself.
    const stored = await this.tokens.findByHash(hashToken(presented));
    if (!stored) return null;
    const now = new Date();
    if (!stored.lastUsedAt || now.getTime() - stored.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
      await this.tokens.touch(stored.id, now);
    }
    return { tokenId: stored.id, role: stored.role };
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

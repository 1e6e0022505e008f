import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { KeysetPosition, Positioned } from '../common/pagination/cursor';
import { keysetPage } from '../common/pagination/keyset-query';
import { ApiTokenEntity, TokenRole } from './api-token.entity';

@Injectable()
export class ApiTokenRepository {
  constructor(
    @InjectRepository(ApiTokenEntity) private readonly tokens: Repository<ApiTokenEntity>,
  ) {}

  create(values: { name: string; role: TokenRole; tokenHash: Buffer; tokenPrefix: string }) {
    return this.tokens.save(this.tokens.create({ ...values, lastUsedAt: null }));
  }

  findByHash(tokenHash: Buffer): Promise<ApiTokenEntity | null> {
    return this.tokens.findOne({ where: { tokenHash } });
  }

  list(limit: number, after?: KeysetPosition): Promise<Positioned<ApiTokenEntity>[]> {
    return keysetPage(this.tokens.createQueryBuilder('t'), limit, after);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.tokens.delete({ id });
    return (result.affected ?? 0) > 0;
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.tokens.update({ id }, { lastUsedAt: at });
  }
}

import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ApiTokenEntity, TokenRole } from './api-token.entity';

@Injectable()
export class ApiTokenRepository {
  constructor(@InjectRepository(ApiTokenEntity) private readonly tokens: Repository<ApiTokenEntity>) {}

  create(values: { name: string; role: TokenRole; tokenHash: Buffer; tokenPrefix: string }) {
    return this.tokens.save(this.tokens.create({ ...values, lastUsedAt: null }));
  }

  findByHash(tokenHash: Buffer): Promise<ApiTokenEntity | null> {
    return this.tokens.findOne({ where: { tokenHash } });
  }

  /** Keyset page ordered by creation time then id. */
  list(limit: number, after?: { createdAt: Date; id: string }): Promise<ApiTokenEntity[]> {
    const query = this.tokens
      .createQueryBuilder('t')
      .orderBy('t.created_at', 'ASC')
      .addOrderBy('t.id', 'ASC')
      .limit(limit);
    if (after) {
      query.where('(t.created_at, t.id) > (:createdAt, :id)', after);
    }
    return query.getMany();
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.tokens.delete({ id });
    return (result.affected ?? 0) > 0;
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.tokens.update({ id }, { lastUsedAt: at });
  }
}

import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { ConflictError } from '../common/errors/domain-error';
import type { KeysetPosition, Positioned } from '../common/pagination/cursor';
import { keysetPage } from '../common/pagination/keyset-query';
import { ConnectionEntity } from './connection.entity';

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class ConnectionRepository {
  constructor(
    @InjectRepository(ConnectionEntity) private readonly connections: Repository<ConnectionEntity>,
  ) {}

  findById(id: string): Promise<ConnectionEntity | null> {
    return this.connections.findOne({ where: { id } });
  }

  list(
    limit: number,
    after?: KeysetPosition,
    connector?: string,
  ): Promise<Positioned<ConnectionEntity>[]> {
    const query = this.connections.createQueryBuilder('c');
    if (connector) query.where('c.connector = :connector', { connector });
    return keysetPage(query, limit, after);
  }

  listAll(): Promise<ConnectionEntity[]> {
    return this.connections.find({ order: { createdAt: 'ASC' } });
  }

  async save(connection: ConnectionEntity): Promise<ConnectionEntity> {
    try {
      return await this.connections.save(connection);
    } catch (error) {
      if (
        error instanceof QueryFailedError &&
        (error.driverError as { code?: string }).code === UNIQUE_VIOLATION
      ) {
        throw new ConflictError(`A connection named "${connection.name}" already exists`);
      }
      throw error;
    }
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.connections.delete({ id });
    return (result.affected ?? 0) > 0;
  }
}

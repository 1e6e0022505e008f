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

  /** Ids of the connections of `connector` whose config holds `value` under `key` (as text). */
  async idsByConfigValue(connector: string, key: string, value: string): Promise<string[]> {
    const rows = await this.connections
      .createQueryBuilder('c')
      .select('c.id', 'id')
      .where('c.connector = :connector', { connector })
      .andWhere('c.config ->> :key = :value', { key, value })
      .orderBy('c.created_at')
      .getRawMany<{ id: string }>();
    return rows.map((row) => row.id);
  }

  listAll(): Promise<ConnectionEntity[]> {
    return this.connections.find({ order: { createdAt: 'ASC' } });
  }

  /** Stores a new connection. @throws ConflictError when its name is taken. */
  save(connection: ConnectionEntity): Promise<ConnectionEntity> {
    return nameConflictAsConflictError(connection.name, () => this.connections.save(connection));
  }

  /**
   * Writes an edited connection back, and only if it still exists: `save` would insert one
   * deleted since it was read (a PATCH racing a DELETE), bringing back the connection, its
   * credentials and its schedule that an admin had just removed.
   * @returns the stored connection, or null when it was deleted meanwhile.
   * @throws ConflictError when its new name is taken.
   */
  update(connection: ConnectionEntity): Promise<ConnectionEntity | null> {
    return nameConflictAsConflictError(connection.name, () =>
      this.connections.manager.transaction(async (manager) => {
        // Locked until the save commits: a DELETE either went first (nothing to update) or waits.
        const exists = await manager.findOne(ConnectionEntity, {
          where: { id: connection.id },
          lock: { mode: 'pessimistic_write' },
        });
        return exists ? manager.save(connection) : null;
      }),
    );
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.connections.delete({ id });
    return (result.affected ?? 0) > 0;
  }
}

async function nameConflictAsConflictError<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (
      error instanceof QueryFailedError &&
      (error.driverError as { code?: string }).code === UNIQUE_VIOLATION
    ) {
      throw new ConflictError(`A connection named "${name}" already exists`);
    }
    throw error;
  }
}

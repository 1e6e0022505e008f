import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConnectionEntity } from './connection.entity';
import { ConnectionEvents } from './connection-events';
import { ConnectionKeyRotation } from './connection-key-rotation';
import { ConnectionRepository } from './connection.repository';
import { ConnectionSecrets } from './connection-secrets';
import { ConnectionsController } from './connections.controller';
import { ConnectionsService } from './connections.service';
import { ConnectorsController } from './connectors.controller';

@Module({
  imports: [TypeOrmModule.forFeature([ConnectionEntity])],
  controllers: [ConnectionsController, ConnectorsController],
  providers: [
    ConnectionRepository,
    ConnectionSecrets,
    ConnectionKeyRotation,
    ConnectionEvents,
    ConnectionsService,
  ],
  exports: [ConnectionsService, ConnectionEvents],
})
export class ConnectionsModule {}

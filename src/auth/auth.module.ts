import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiTokenEntity } from './api-token.entity';
import { ApiTokenRepository } from './api-token.repository';
import { TokenAuthGuard } from './token-auth.guard';
import { TokensController } from './tokens.controller';
import { TokensService } from './tokens.service';

@Module({
  imports: [TypeOrmModule.forFeature([ApiTokenEntity])],
  controllers: [TokensController],
  providers: [ApiTokenRepository, TokensService, { provide: APP_GUARD, useClass: TokenAuthGuard }],
  exports: [TokensService],
})
export class AuthModule {}

import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ADMIN_ONLY, IS_PUBLIC } from './auth.decorators';
import { AuthenticatedPrincipal, mayPerform } from './authenticated-principal';
import { bearerToken } from './bearer-token';
import { TokensService } from './tokens.service';

export type AuthenticatedRequest = FastifyRequest & { principal?: AuthenticatedPrincipal };

/**
 * Global guard: every route needs a bearer token unless marked `@Public()`, so a new
 * route is protected by default. Viewers may only read.
 */
@Injectable()
export class TokenAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokensService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const presented = bearerToken(request.headers.authorization);
    if (!presented)
      throw new UnauthorizedException('Missing bearer token (Authorization: Bearer <token>)');
    const principal = await this.tokens.authenticate(presented);
    if (!principal) throw new UnauthorizedException('Unknown or revoked token');

    const adminOnly = this.reflector.getAllAndOverride<boolean>(ADMIN_ONLY, targets) ?? false;
    if (!mayPerform(principal, request.method, adminOnly)) {
      throw new ForbiddenException('This token has the viewer role: it may only read');
    }
    request.principal = principal;
    return true;
  }
}

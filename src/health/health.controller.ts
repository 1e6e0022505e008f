import { Controller, Get, HttpException, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { Public } from '../auth/auth.decorators';
import { RedisHealthIndicator } from './redis.health';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly postgres: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
  ) {}

  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: the process is up and serving HTTP' })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: PostgreSQL and Redis both answer' })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down; the body names it.' })
  async ready(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => this.postgres.pingCheck('postgres', { timeout: 1500 }),
        () => this.redis.isHealthy('redis'),
      ]);
    } catch (error) {
      throw error instanceof ServiceUnavailableException ? notReady(error) : error;
    }
  }
}

/** Restates terminus's 503 in the API's error shape, naming each failing dependency. */
function notReady(error: ServiceUnavailableException): HttpException {
  const result = error.getResponse() as HealthCheckResult;
  const failing = Object.entries(result.error ?? {}).map(
    ([name, check]) =>
      `${name} is ${check?.status ?? 'down'}${check?.message ? ` (${String(check.message)})` : ''}`,
  );
  return new HttpException(
    {
      statusCode: 503,
      error: 'Service Unavailable',
      message: `Not ready: ${failing.join('; ')}`,
      status: 'error',
      details: result.details,
    },
    503,
  );
}

/**
 * Makes the connector registry and runtime injectable everywhere. Thin on purpose: the
 * logic lives in the plain classes. The registry loads at module init, so an invalid or
 * duplicate connector stops start-up.
 */
import { Global, Logger, Module } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { REDIS_CLIENT } from '../redis/redis.constants';
import type { ConnectorLogger } from '../connector-sdk/connector.types';
import { ConnectorRegistry } from './connector-registry';
import { ConnectorRuntime } from './connector-runtime';

function nestConnectorLogger(bindings: {
  connectionId: string;
  connector: string;
}): ConnectorLogger {
  const logger = new Logger(`connector:${bindings.connector}`);
  const entry = (message: string, context?: Record<string, unknown>) => ({
    msg: message,
    ...bindings,
    ...context,
  });
  return {
    debug: (message, context) => logger.debug(entry(message, context)),
    info: (message, context) => logger.log(entry(message, context)),
    warn: (message, context) => logger.warn(entry(message, context)),
    error: (message, context) => logger.error(entry(message, context)),
  };
}

@Global()
@Module({
  providers: [
    {
      provide: ConnectorRegistry,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ConnectorRegistry.fromDirectory(config.connectorsDir),
    },
    {
      provide: ConnectorRuntime,
      inject: [ConnectorRegistry, REDIS_CLIENT, APP_CONFIG],
      useFactory: (registry: ConnectorRegistry, redis: Redis, config: AppConfig) =>
        new ConnectorRuntime({
          registry,
          redis,
          keyPrefix: config.queuePrefix,
          loggerFactory: nestConnectorLogger,
        }),
    },
  ],
  exports: [ConnectorRegistry, ConnectorRuntime],
})
export class ConnectorsModule {}

/**
 * Makes the connector registry and runtime injectable everywhere. Thin on purpose: the
 * logic lives in the plain classes. The registry loads at module init, so an invalid or
 * duplicate connector stops start-up.
 */
import { Global, Logger, Module } from '@nestjs/common';
import type Redis from 'ioredis';
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
      useFactory: () => ConnectorRegistry.fromDirectory(process.env.CONNECTORS_DIR || undefined),
    },
    {
      provide: ConnectorRuntime,
      inject: [ConnectorRegistry, REDIS_CLIENT],
      useFactory: (registry: ConnectorRegistry, redis: Redis) =>
        new ConnectorRuntime({
          registry,
          redis,
          keyPrefix: process.env.QUEUE_PREFIX ?? 'syncline',
          loggerFactory: nestConnectorLogger,
        }),
    },
  ],
  exports: [ConnectorRegistry, ConnectorRuntime],
})
export class ConnectorsModule {}

import { loadConfig } from '../../src/config/load-config';
import { startTcpProxy, TcpProxy } from './tcp-proxy';
import { startTestApp, TestApp } from './test-app';
import { TestEnvironment } from './test-environment';

/**
 * An API process that reaches Redis only through a TCP proxy: cutting the proxy takes Redis
 * away from this app alone, while the shared server keeps serving other test files.
 */
export async function startApiBehindRedisProxy(
  env: TestEnvironment,
): Promise<{ app: TestApp; redisProxy: TcpProxy }> {
  const redis = new URL(env.redisUrl);
  const redisProxy = await startTcpProxy(redis.hostname, Number(redis.port || 6379));
  const app = await startTestApp(
    loadConfig({ ...env.env, SYNCLINE_ROLE: 'api', REDIS_URL: redisProxy.url('redis') }),
  );
  return { app, redisProxy };
}

/**
 * A Redis failover behind a stable endpoint (ElastiCache's primary endpoint, a DNS name, a
 * proxy): the endpoint moves to the new primary, but a connection opened before the failover
 * still reaches the old one, now a read-only replica. The app's client must reconnect.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createConnection, createServer, Server, Socket } from 'node:net';
import type Redis from 'ioredis';
import { createRedisClient } from '../../../src/redis/redis-connection';
import { freePort } from '../../support/free-port';
import { TEST_REDIS_URL } from '../../support/test-environment';

/** A stable endpoint: new connections go to `target`; open ones stay where they were. */
interface Endpoint {
  port: number;
  target: number;
  close(): Promise<void>;
}

async function startEndpoint(target: number): Promise<Endpoint> {
  const sockets = new Set<Socket>();
  const endpoint = { port: 0, target, close: async () => {} };
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: endpoint.target });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint.port = (server.address() as { port: number }).port;
  endpoint.close = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  return endpoint;
}

/** The old primary after the failover: a replica (of a primary gone for good) refusing writes. */
async function startDemotedPrimary(): Promise<{ port: number; process: ChildProcess }> {
  const port = await freePort();
  const gone = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'].concat([
      '--replicaof',
      '127.0.0.1',
      String(gone),
    ]),
    { stdio: 'ignore' },
  );
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const reachable = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (reachable) return { port, process: child };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill();
  throw new Error('redis-server did not start');
}

let demoted: { port: number; process: ChildProcess };
let endpoint: Endpoint;
let client: Redis;
const key = `syncline_failover_${process.pid}_${Date.now()}`;

beforeAll(async () => {
  demoted = await startDemotedPrimary();
  endpoint = await startEndpoint(demoted.port);
});

afterAll(async () => {
  await client?.del(key).catch(() => undefined);
  client?.disconnect();
  await endpoint?.close();
  demoted?.process.kill();
});

it('reconnects to the new primary when the old one answers READONLY', async () => {
  client = createRedisClient(`redis://127.0.0.1:${endpoint.port}`, 'failover-test');
  client.on('error', () => undefined);
  await client.ping();

  // The failover: the endpoint now leads to the new primary (the shared test Redis).
  endpoint.target = Number(new URL(TEST_REDIS_URL).port || 6379);

  // The first write still meets the demoted primary, is refused, and triggers the reconnect.
  await expect(client.set(key, 'first')).rejects.toThrow(/READONLY/);

  let stored: string | null = null;
  for (let attempt = 0; attempt < 50 && stored === null; attempt += 1) {
    stored = await client.set(key, 'after failover').catch(() => null);
    if (stored === null) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(stored).toBe('OK');
  expect(await client.get(key)).toBe('after failover');
});

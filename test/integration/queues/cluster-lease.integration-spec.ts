/** Housekeeping leases on the real Redis: one holder per period across processes. */
import Redis from 'ioredis';
import { ClusterLease } from '../../../src/queues/cluster-lease';
import { createTestEnvironment, TestEnvironment } from '../../support/test-environment';

let env: TestEnvironment;
const clients: Redis[] = [];

beforeAll(async () => {
  env = await createTestEnvironment({ migrate: false });
});

afterAll(async () => {
  clients.forEach((client) => client.disconnect());
  await env.teardown();
});

/** A lease as a separate replica would hold it: its own Redis connection and owner id. */
function replica(): ClusterLease {
  const client = new Redis(env.redisUrl);
  clients.push(client);
  return new ClusterLease(client, env.config);
}

it('gives a period to one replica only, and to another once it lapses', async () => {
  const [a, b, c] = [replica(), replica(), replica()];
  const first = await Promise.all([a, b, c].map((lease) => lease.acquire('sweep', 300)));
  expect(first.filter(Boolean)).toHaveLength(1);
  // Another task has its own lease.
  expect(await b.acquire('prune', 300)).toBe(true);

  await new Promise((resolve) => setTimeout(resolve, 350));
  const next = await Promise.all([a, b, c].map((lease) => lease.acquire('sweep', 300)));
  expect(next.filter(Boolean)).toHaveLength(1);
});

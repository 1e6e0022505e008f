/**
 * Helpers of `bench/webhooks.ts`: Syncline processes started as operators start them, a bare
 * Node HTTP server for the baseline, and signed Shopify deliveries.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { shopifySignature } from '../connectors/shopify';
import { WORKER_NODE_FLAGS } from '../src/app/worker-node-flags';
import type { AppConfig } from '../src/config/app-config';
import { ConnectionSecrets } from '../src/connections/connection-secrets';

const REPO_ROOT = join(__dirname, '..');

export interface BenchProcess {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** `node -r ts-node/register/transpile-only <script>` from the repository root. */
export function spawnNode(script: string[], env: Record<string, string>): BenchProcess {
  const child = spawn(process.execPath, script, {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    // The tail is enough to explain a failure; a long run must not hold every log line.
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Should the bench itself fail hard, its servers must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.removeListener('exit', killOnExit));
  return {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * A Syncline process; a worker gets the worker Node flags, as `npm run start:worker` runs it.
 * `BENCH_SYNCLINE_NODE_ARGS` adds Node flags, for looking into one
 * (`--cpu-prof --cpu-prof-dir=/tmp/profiles` writes a CPU profile when it stops).
 */
export function spawnSyncline(env: Record<string, string>): BenchProcess {
  const nodeArgs = [
    ...(env.SYNCLINE_ROLE === 'worker' ? WORKER_NODE_FLAGS : []),
    ...(process.env.BENCH_SYNCLINE_NODE_ARGS ?? '').split(' ').filter(Boolean),
  ];
  return spawnNode([...nodeArgs, '-r', 'ts-node/register/transpile-only', 'src/main.ts'], env);
}

/**
 * The baseline: Node's own HTTP server reading the whole body and answering a small JSON
 * document, nothing else. Prints its port on stdout.
 */
export function spawnBareServer(): BenchProcess {
  const source = `
    const http = require('node:http');
    const server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"received":1,"duplicates":0}');
      });
    });
    server.keepAliveTimeout = 60000;
    server.listen(0, '127.0.0.1', () => console.log('PORT=' + server.address().port));`;
  return spawnNode(['-e', source], {});
}

export async function waitForOutput(process: BenchProcess, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const match = process.output().match(pattern);
    if (match) return match[1];
    if (process.child.exitCode !== null) break;
    await sleep(50);
  }
  throw new Error(`process did not print ${pattern}:\n${process.output()}`);
}

export async function waitUntilReady(url: string, process: BenchProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (process.child.exitCode !== null) break;
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new Error(`${url} not ready:\n${process.output()}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * CPU time (user + system) a process has used so far, in ms, read from Linux's /proc;
 * undefined elsewhere. On a shared VM requests per second swing with the neighbours' load;
 * the CPU a process spends per request swings far less, so it compares builds better.
 */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name, in parentheses, may hold spaces: count fields from after it. The
    // first is the state (field 3 of proc(5)); utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicksPerSecond();
  } catch {
    return undefined;
  }
}

let clockTicks: number | undefined;
function clockTicksPerSecond(): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  return clockTicks;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Credentials sealed exactly as the connections API stores them. */
export function sealCredentials(
  secretsKey: Buffer,
  connectionId: string,
  plain: Record<string, string>,
): Record<string, string> {
  const secrets = new ConnectionSecrets({
    secretsKey,
    previousSecretsKeys: [],
  } as unknown as AppConfig);
  return secrets.seal(connectionId, plain);
}

/** Shopify's first customer id in the bench; ids above it are `FIRST_CUSTOMER_ID + i`. */
export const FIRST_CUSTOMER_ID = 7_000_000_000;

/** A `customers/create` body shaped like Shopify's (about 900 bytes), one person per `i`. */
export function shopifyCustomerJson(i: number, now: string): string {
  const id = FIRST_CUSTOMER_ID + i;
  return JSON.stringify({
    id,
    email: `buyer${i}@webhooks.bench.syncline.dev`,
    created_at: now,
    updated_at: now,
    first_name: 'Ada',
    last_name: `Buyer ${i}`,
    orders_count: 0,
    state: 'enabled',
    total_spent: '0.00',
    last_order_id: null,
    note: null,
    verified_email: true,
    multipass_identifier: null,
    tax_exempt: false,
    tags: 'bench, webhook',
    currency: 'USD',
    phone: null,
    addresses: [],
    tax_exemptions: [],
    email_marketing_consent: {
      state: 'subscribed',
      opt_in_level: 'single_opt_in',
      consent_updated_at: now,
    },
    sms_marketing_consent: null,
    admin_graphql_api_id: `gid://shopify/Customer/${id}`,
    default_address: {
      id: id + 1_000_000,
      customer_id: id,
      first_name: 'Ada',
      last_name: `Buyer ${i}`,
      company: 'Analytical Engines',
      address1: '12 St James Square',
      address2: null,
      city: 'London',
      province: null,
      country: 'United Kingdom',
      zip: 'SW1Y 4JH',
      phone: null,
      name: `Ada Buyer ${i}`,
      province_code: null,
      country_code: 'GB',
      country_name: 'United Kingdom',
      default: true,
    },
  });
}

/** Headers of a signed `customers/create` delivery, as Shopify sends them. */
export function shopifyHeaders(body: string, secret: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'Shopify-Captain-Hook',
    'x-shopify-topic': 'customers/create',
    'x-shopify-hmac-sha256': shopifySignature(body, secret),
    'x-shopify-shop-domain': 'bench.myshopify.com',
    'x-shopify-api-version': '2024-10',
    'x-shopify-webhook-id': randomUUID(),
    'x-shopify-event-id': randomUUID(),
    'x-shopify-triggered-at': new Date().toISOString(),
  };
}

export function benchQueuePrefix(): string {
  return `syncline_bench_webhooks_${randomBytes(4).toString('hex')}`;
}

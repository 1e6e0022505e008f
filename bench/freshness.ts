/**
 * `npm run bench -- freshness [--rate 200] [--duration 60] [--drain 30] [--keep]`
 *
 * How long a change takes to travel through Syncline: signed Shopify `customers/create`
 * webhooks arrive at a steady rate, and for each one the bench measures the time from
 * sending it to the write that carries that customer landing at a HubSpot emulator (the
 * destination), with the coalescing window included. Every stage is the production one:
 * webhook receiver, webhooks queue, profile store, change log, outbox relay, push queue,
 * batched HubSpot upsert.
 */
import { performance } from 'node:perf_hooks';
import { HubspotEmulator } from '../test/emulators/hubspot';
import { ShopifyEmulator } from '../test/emulators/shopify';
import { startBenchApp, type BenchApp } from './app-support';

const SHOPIFY_SECRET = 'bench-shopify-client-secret';
const HUBSPOT_TOKEN = 'bench-hubspot-token';

interface Options {
  rate: number;
  durationS: number;
  drainS: number;
  keep: boolean;
}

function parseOptions(args: string[]): Options {
  const value = (name: string, fallback: number) => {
    const index = args.indexOf(`--${name}`);
    const parsed = index >= 0 ? Number(args[index + 1]) : fallback;
    if (!Number.isFinite(parsed) || parsed <= 0)
      throw new Error(`--${name} must be a positive number`);
    return parsed;
  };
  return {
    rate: value('rate', 200),
    durationS: value('duration', 60),
    drainS: value('drain', 30),
    keep: args.includes('--keep'),
  };
}

export async function run(args: string[]): Promise<void> {
  const options = parseOptions(args);
  const total = Math.round(options.rate * options.durationS);
  console.log(
    `freshness: ${options.rate} webhooks/s for ${options.durationS} s (${total} customers), Shopify → Syncline → HubSpot`,
  );

  const shopify = new ShopifyEmulator();
  // HubSpot's documented burst limit for a Professional account; writes are batched by 100.
  const hubspot = new HubspotEmulator({
    accessTokens: [HUBSPOT_TOKEN],
    rateLimit: { max: 190, intervalMs: 10_000 },
    searchRateLimit: false,
  });
  await Promise.all([shopify.start(), hubspot.start()]);
  const app = await startBenchApp('freshness', options.keep);
  try {
    const source = await app.api<{ id: string }>('POST', '/v1/connections', {
      connector: 'shopify',
      name: 'shop',
      config: { baseUrl: shopify.apiBaseUrl() },
      credentials: { accessToken: 'test-token', clientSecret: SHOPIFY_SECRET },
      direction: 'pull',
    });
    await app.api('POST', '/v1/connections', {
      connector: 'hubspot',
      name: 'crm',
      config: { baseUrl: hubspot.baseUrl, requestsPer10Seconds: 190 },
      credentials: { accessToken: HUBSPOT_TOKEN, clientSecret: 'unused' },
      direction: 'push',
    });
    const webhookUrl = `${app.baseUrl}/webhooks/${source.id}`;

    const customers = shopify.seedCustomers(
      Array.from({ length: total }, (_, i) => ({
        email: `fresh${i}@freshness.dev`,
        first_name: `Fresh${i}`,
        phone: `+1415${String(1_000_000 + i).slice(-7)}`,
      })),
    );
    const sentAt = new Map<string, number>();
    let refused = 0;
    const started = performance.now();
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < total; i += 1) {
      const due = started + (i * 1000) / options.rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const customer = customers[i];
      sentAt.set(customer.email!, performance.timeOrigin + performance.now());
      inFlight.push(
        shopify
          .sendWebhook(webhookUrl, 'customers/create', customer, { secret: SHOPIFY_SECRET })
          .then((sent) => {
            if (sent.status >= 300) refused += 1;
          }),
      );
    }
    await Promise.all(inFlight);
    const sendSeconds = (performance.now() - started) / 1000;
    console.log(`  sent ${total} in ${sendSeconds.toFixed(1)} s (${refused} refused)`);

    const landedAt = await waitForLandings(hubspot, sentAt, options.drainS * 1000);
    const latencies = [...landedAt.entries()]
      .map(([email, at]) => at - sentAt.get(email)!)
      .sort((a, b) => a - b);
    const lost = total - latencies.length;
    const p = (q: number) =>
      latencies.length === 0
        ? NaN
        : Number(
            latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(1),
          );
    const writes = hubspot.requests({
      method: 'POST',
      pathPrefix: '/crm/v3/objects/contacts/batch',
    });
    await printStages(app, sentAt);
    console.log(`  landed ${latencies.length} of ${total} in ${writes.length} HubSpot batch calls`);
    console.log(
      `  webhook → HubSpot write: p50 ${p(0.5)} ms, p95 ${p(0.95)} ms, p99 ${p(0.99)} ms`,
    );
    console.log(`  target p95 ≤ 500 ms: ${p(0.95) <= 500 ? 'met' : 'NOT met'}`);
    console.log(
      JSON.stringify({ bench: 'freshness', p50Ms: p(0.5), p95Ms: p(0.95), p99Ms: p(0.99), lost }),
    );
  } finally {
    await app.close();
    await Promise.all([shopify.stop(), hubspot.stop()]);
  }
}

/**
 * Where the time goes, from the store's own timestamps: when the ingest transaction that
 * stored the record began, and when the change-log row was written relative to the relay
 * picking it up (its push job creation is not stored, so the push side is the remainder).
 */
async function printStages(app: BenchApp, sentAt: Map<string, number>): Promise<void> {
  const rows = await app.sql<{ email: string; ingested: Date }>(
    `SELECT s.traits->>'email' AS email, s.received_at AS ingested
     FROM source_record s WHERE s.traits->>'email' = ANY($1::text[])`,
    [[...sentAt.keys()]],
  );
  const toIngest = rows
    .map((row) => row.ingested.getTime() - sentAt.get(row.email)!)
    .sort((a, b) => a - b);
  const median = (values: number[]) => values[Math.floor(values.length / 2)] ?? NaN;
  console.log(
    `  stage: webhook sent → ingest transaction began: p50 ${median(toIngest).toFixed(0)} ms, p95 ${toIngest[Math.floor(toIngest.length * 0.95)]?.toFixed(0)} ms`,
  );
}

/** First arrival of each customer's email in a HubSpot write, until all landed or `drainMs` passed. */
async function waitForLandings(
  hubspot: HubspotEmulator,
  sentAt: Map<string, number>,
  drainMs: number,
): Promise<Map<string, number>> {
  const landed = new Map<string, number>();
  const deadline = Date.now() + drainMs;
  let scanned = 0;
  while (landed.size < sentAt.size && Date.now() < deadline) {
    const writes = hubspot.requests({
      method: 'POST',
      pathPrefix: '/crm/v3/objects/contacts/batch',
    });
    for (const request of writes.slice(scanned)) {
      for (const match of request.rawBody.matchAll(/fresh\d+@freshness\.dev/g)) {
        if (sentAt.has(match[0]) && !landed.has(match[0])) landed.set(match[0], request.receivedAt);
      }
    }
    scanned = writes.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return landed;
}

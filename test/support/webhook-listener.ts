import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookRequest } from '../../src/connector-sdk';

/**
 * A real loopback HTTP endpoint that records what an emulator delivers, in the shape the
 * connectors' `verifyWebhook` / `parseWebhook` take, so signature tests see the raw bytes.
 */
export interface WebhookListener {
  url: string;
  received: WebhookRequest[];
  close(): Promise<void>;
}

export async function startWebhookListener(status = 200): Promise<WebhookListener> {
  const received: WebhookRequest[] = [];
  let baseUrl = '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string') headers[name] = value;
      }
      received.push({
        method: req.method ?? 'POST',
        url: `${baseUrl}${req.url ?? '/'}`,
        headers,
        rawBody: Buffer.concat(chunks),
        receivedAt: Date.now(),
      });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: baseUrl,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

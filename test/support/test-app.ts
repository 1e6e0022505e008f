import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig } from '../../src/config/app-config';
import { createApiApp } from '../../src/app/create-api-app';

/** A running Syncline HTTP app on a loopback port, driven over real HTTP. */
export interface TestApp {
  app: NestFastifyApplication;
  baseUrl: string;
  adminToken: string;
  /** fetch against the app; `token` defaults to the admin token, `null` sends none. */
  request(
    method: string,
    path: string,
    options?: { token?: string | null; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: unknown; headers: Headers; text: string }>;
  close(): Promise<void>;
}

export async function startTestApp(config: AppConfig): Promise<TestApp> {
  const app = await createApiApp(config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    app,
    baseUrl,
    adminToken: config.adminToken,
    async request(method, path, options = {}) {
      const token = options.token === undefined ? config.adminToken : options.token;
      const headers: Record<string, string> = { ...options.headers };
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (options.body !== undefined) {
        headers['content-type'] ??= 'application/json';
        body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      }
      const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // Not JSON (metrics, HTML): keep the text.
      }
      return { status: response.status, body: parsed, headers: response.headers, text };
    },
    close: () => app.close(),
  };
}

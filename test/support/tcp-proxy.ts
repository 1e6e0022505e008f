import { createConnection, createServer, Server, Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of a shared service, so a test can make that service
 * "unreachable" for one app without stopping the server other test files use.
 */
export interface TcpProxy {
  port: number;
  url(protocol: string): string;
  /** Drops every open connection and refuses new ones. */
  cut(): Promise<void>;
  /** After cut(): listens again on the same port, so the service is reachable again. */
  restore(): Promise<void>;
  /**
   * Stops passing bytes either way while keeping every connection open: the service looks
   * hung (a frozen host, a partition), so requests wait instead of failing.
   */
  freeze(): void;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let frozen = false;
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: targetHost, port: targetPort });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.on('data', (chunk) => frozen || upstream.write(chunk));
    upstream.on('data', (chunk) => frozen || client.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: (protocol) => `${protocol}://127.0.0.1:${port}`,
    freeze: () => {
      frozen = true;
    },
    cut: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    restore: () =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      }),
  };
}

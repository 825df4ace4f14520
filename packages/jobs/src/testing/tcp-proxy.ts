import { createConnection, createServer, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of a real service, for fault tests: `pause()` stops forwarding
 * in both directions (a database or Redis that stops answering without closing anything), `cut()`
 * drops every connection and refuses new ones (a restart), `restore()` brings it back.
 */
export interface TcpProxy {
  port: number;
  /** `url` with its host and port replaced by the proxy's. */
  url: string;
  pause(): void;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetUrl: string): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const targetPort = Number(target.port);
  const pairs = new Set<[Socket, Socket]>();
  let state: 'open' | 'paused' | 'cut' = 'open';
  // Bytes that arrived while paused, per destination socket, delivered in order on restore.
  const held = new Map<Socket, Buffer[]>();
  const forward = (to: Socket) => (chunk: Buffer) => {
    if (state === 'paused') held.set(to, [...(held.get(to) ?? []), chunk]);
    else to.write(chunk);
  };

  const server = createServer((client) => {
    if (state === 'cut') {
      client.destroy();
      return;
    }
    const upstream = createConnection(targetPort, target.hostname);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.on('data', forward(upstream));
    upstream.on('data', forward(client));
    const end = () => {
      pairs.delete(pair);
      held.delete(client);
      held.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);

  function cut() {
    state = 'cut';
    for (const [a, b] of pairs) {
      a.destroy();
      b.destroy();
    }
    pairs.clear();
    held.clear();
  }

  return {
    port,
    url: url.toString(),
    pause() {
      state = 'paused';
    },
    cut,
    restore() {
      state = 'open';
      for (const [to, chunks] of held) for (const chunk of chunks) to.write(chunk);
      held.clear();
    },
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

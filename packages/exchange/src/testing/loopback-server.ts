import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What a fake's handler gets besides the request: its URL, its whole body as text, and a way to never answer it. */
export interface LoopbackRequest {
  url: URL;
  body: string;
  /** Leaves the response open unanswered (a venue that hangs) until the server closes. */
  hold(): void;
}

/** A running fake's address and its shutdown. */
export interface LoopbackServer {
  url: string;
  /** Drops held responses and open keep-alive connections, then stops listening. */
  close(): Promise<void>;
}

/**
 * Starts an HTTP server for a test fake on a free port of 127.0.0.1 (never another interface) and
 * calls `handle` once each request's body has arrived.
 */
export async function serveOnLoopback(
  handle: (req: IncomingMessage, res: ServerResponse, request: LoopbackRequest) => void,
): Promise<LoopbackServer> {
  const hanging = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () =>
      handle(req, res, {
        url: new URL(req.url ?? '/', 'http://127.0.0.1'),
        body: Buffer.concat(chunks).toString('utf8'),
        hold: () => hanging.add(res),
      }),
    );
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

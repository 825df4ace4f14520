/**
 * The API bench's baseline: a bare `node:http` server that answers each path with a fixed JSON body and
 * does nothing else, the floor any framework on this machine stands on. Started as its own process, the
 * same way as the real server: `raw-server.mjs <bodies.json> <port>`, the file holding { path: body }.
 * Bodies are compressed once at start, as the server does, and sent in the encoding the client prefers.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { compressBody, type Encoding, preferredEncoding } from '../../apps/server/src/compress';

const LARGE = 8 * 1024;
const bodies = new Map<string, Record<Encoding | 'identity', Buffer>>();
for (const [p, text] of Object.entries(
  JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Record<string, string>,
)) {
  const identity = Buffer.from(text);
  const large = identity.length >= LARGE;
  bodies.set(p, {
    identity,
    br: large ? await compressBody('br', identity) : identity,
    gzip: large ? await compressBody('gzip', identity) : identity,
  });
}
const server = createServer((req, res) => {
  const variants = bodies.get((req.url ?? '/').split('?')[0]!);
  if (!variants) {
    res.writeHead(404).end();
    return;
  }
  // A revalidation costs it nothing: whatever the tag, the client holds the answer.
  if (req.headers['if-none-match']) {
    res.writeHead(304).end();
    return;
  }
  const encoding = preferredEncoding(req.headers['accept-encoding']);
  const body = encoding ? variants[encoding] : variants.identity;
  const compressed = body !== variants.identity;
  res
    .writeHead(200, {
      'content-type': 'application/json',
      'content-length': body.length,
      ...(compressed ? { 'content-encoding': encoding!, vary: 'accept-encoding' } : {}),
    })
    .end(body);
});
server.listen(Number(process.argv[3]), '127.0.0.1', () => console.log('raw server listening'));
process.once('SIGTERM', () => server.close(() => process.exit(0)));

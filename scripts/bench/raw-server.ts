/**
 * The API bench's baseline: a bare `node:http` server that answers each path with a fixed JSON body and
 * does nothing else, the floor any framework on this machine stands on. Started as its own process, the
 * same way as the real server: `raw-server.ts <bodies.json> <port>`, the file holding { path: body }.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const bodies = new Map(
  Object.entries(JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Record<string, string>).map(
    ([p, body]) => [p, Buffer.from(body)],
  ),
);
const server = createServer((req, res) => {
  const body = bodies.get((req.url ?? '/').split('?')[0]!);
  if (!body) {
    res.writeHead(404).end();
    return;
  }
  // A revalidation costs it nothing: whatever the tag, the client holds the answer.
  if (req.headers['if-none-match']) {
    res.writeHead(304).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }).end(body);
});
server.listen(Number(process.argv[3]), '127.0.0.1', () => console.log('raw server listening'));
process.once('SIGTERM', () => server.close(() => process.exit(0)));

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JobRunner } from '@tradehits/jobs';
import type { Services } from '@tradehits/trading';
import { readCookie, SESSION_COOKIE, sessionCookie, validateSessionTokenCached } from './auth/session';
import { clientAddress } from './client-address';
import { type Context, createContextInner, type ProcedureTiming } from './trpc';

/**
 * The HTTP edge of the context: reads the session cookie and the caller's address, nothing more.
 * Everything else comes from `createContextInner`.
 */
export async function createContext(
  services: Services,
  runner: JobRunner,
  req: IncomingMessage,
  res: ServerResponse,
  options: { onProcedure?: (timing: ProcedureTiming) => void } = {},
): Promise<Context> {
  const header = req.headers['x-request-id'];
  const id = typeof header === 'string' && /^[\w.-]{1,64}$/.test(header) ? header : randomUUID();
  res.setHeader('x-request-id', id);
  const setCookie = (value: string) => res.appendHeader('Set-Cookie', value);
  const { config } = services;
  const ip = clientAddress(
    req.socket.remoteAddress,
    req.headers['x-forwarded-for'],
    config.TRUSTED_PROXY_COUNT,
  );
  const userAgent = req.headers['user-agent'] ?? null;
  const token = readCookie(req.headers.cookie, SESSION_COOKIE);
  const session = token
    ? await validateSessionTokenCached(services.db, token, services.now(), config.SESSION_DAYS)
    : null;
  if (session?.refreshed && token) {
    setCookie(
      sessionCookie(token, session.expiresAt, config.COOKIE_SECURE ?? config.NODE_ENV === 'production'),
    );
  }
  return createContextInner({
    services,
    runner,
    req: {
      id,
      ip,
      userAgent,
      ifNoneMatch: req.headers['if-none-match'] ?? null,
      setCookie,
      // The adapter keeps a status set here and Node sends no body with a 304.
      notModified: () => {
        res.statusCode = 304;
      },
    },
    session: session ? { id: session.sessionId, expiresAt: session.expiresAt } : null,
    user: session?.user ?? null,
    ...(options.onProcedure ? { onProcedure: options.onProcedure } : {}),
  });
}

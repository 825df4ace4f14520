import { randomUUID } from 'node:crypto';
import type { AnalyticsStore } from '@tradehits/analytics';
import type { Config } from '@tradehits/config';
import type { Db, PublicUser, Role } from '@tradehits/db';
import type { JobRunner } from '@tradehits/jobs';
import type { EventBus, Logger, Services } from '@tradehits/trading';
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { z } from 'zod';
import { errorIdOf, findControlCharacter, internalErrorMessage } from './errors';

// 1. Context ------------------------------------------------------------------------------------------

/** The request as procedures see it: who the caller is, and how to answer with a cookie. */
export interface RequestInfo {
  /** Ties the log lines of one request together (the caller's `x-request-id`, or a new one). */
  id: string;
  ip: string | null;
  userAgent: string | null;
  /** The request's `If-None-Match` header, for answers the browser may already hold. */
  ifNoneMatch: string | null;
  /** Adds a Set-Cookie header to the response (a no-op for in-process callers). */
  setCookie(value: string): void;
  /** Answers 304 Not Modified, with no body, instead of the answer (a no-op for in-process callers). */
  notModified(): void;
}

export interface Context {
  services: Services;
  runner: JobRunner;
  config: Config;
  db: Db;
  analytics: AnalyticsStore;
  bus: EventBus;
  log: Logger;
  req: RequestInfo;
  session: { id: string; expiresAt: Date } | null;
  user: PublicUser | null;
  /** Told when each procedure call ends (the server's latency metrics). */
  onProcedure?: (timing: ProcedureTiming) => void;
}

export interface ProcedureTiming {
  path: string;
  type: string;
  durationMs: number;
  ok: boolean;
}

/** Builds a context from already-resolved parts; tests call this through `createCaller`. */
export function createContextInner(opts: {
  services: Services;
  runner: JobRunner;
  req?: Partial<RequestInfo>;
  session?: Context['session'];
  user?: PublicUser | null;
  onProcedure?: (timing: ProcedureTiming) => void;
}): Context {
  const { services } = opts;
  const reqId = opts.req?.id ?? randomUUID();
  return {
    services,
    runner: opts.runner,
    config: services.config,
    db: services.db,
    analytics: services.analytics,
    bus: services.bus,
    log: services.log.child({ reqId }),
    req: {
      ip: null,
      userAgent: null,
      ifNoneMatch: null,
      setCookie: () => undefined,
      notModified: () => undefined,
      ...opts.req,
      id: reqId,
    },
    session: opts.session ?? null,
    user: opts.user ?? null,
    ...(opts.onProcedure ? { onProcedure: opts.onProcedure } : {}),
  };
}

// 2. Initialisation -----------------------------------------------------------------------------------

const t = initTRPC.context<Context>().create({
  // Dates and bigints cross the wire as themselves; the typed client decodes with the same transformer.
  transformer: superjson,
  errorFormatter({ shape, error }) {
    // A client never sees a stack; for our own failures it sees a generic message and the error id the
    // log line carries, never the message (which may hold SQL and its parameters).
    const { stack: _stack, ...data } = shape.data;
    if (error.code === 'INTERNAL_SERVER_ERROR') {
      const errorId = errorIdOf(error);
      return { ...shape, message: internalErrorMessage(errorId), data: { ...data, zodError: null, errorId } };
    }
    // A zod failure reaches the client as field errors it can show beside each input.
    if (!(error.cause instanceof z.ZodError)) return { ...shape, data: { ...data, zodError: null } };
    const message = error.cause.issues
      .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
      .join('; ');
    return { ...shape, message, data: { ...data, zodError: z.flattenError(error.cause) } };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

// 3. Procedures ---------------------------------------------------------------------------------------

/**
 * Every procedure refuses control characters (NUL above all, which Postgres cannot store) in any
 * string of its input, naming the field, before its own schema or any query sees it.
 */
const refuseControlCharacters = t.middleware(async ({ getRawInput, next }) => {
  const field = findControlCharacter(await getRawInput());
  if (field) {
    const path = field === 'input' ? [] : field.split('.');
    // A ZodError from a real parse, so the client reads it like any other field error.
    const { error } = z
      .any()
      .superRefine((_, c) =>
        c.addIssue({ code: 'custom', path, message: 'must not contain control characters' }),
      )
      .safeParse(null);
    throw new TRPCError({ code: 'BAD_REQUEST', cause: error });
  }
  return next();
});

/**
 * Every call is logged when it ends, with the request id, procedure, user and duration, and reported
 * to the server's metrics. Failures a client caused log at info; ours are logged by the HTTP edge.
 */
const logged = t.procedure.use(async ({ ctx, path, type, next }) => {
  const started = performance.now();
  const result = await next();
  const durationMs = Math.round((performance.now() - started) * 10) / 10;
  ctx.log.info(
    {
      procedure: path,
      type,
      user: ctx.user?.id ?? null,
      durationMs,
      ok: result.ok,
      ...(result.ok ? {} : { code: result.error.code }),
    },
    'procedure',
  );
  ctx.onProcedure?.({ path, type, durationMs, ok: result.ok });
  return result;
});

/** Anyone, signed in or not. */
export const publicProcedure = logged.use(refuseControlCharacters);

/** A signed-in, active user: `ctx.user` is non-null inside. */
export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user || !ctx.session)
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to continue.' });
  return next({ ctx: { ...ctx, user: ctx.user, session: ctx.session } });
});

/** Refuses every caller whose role is not in `roles`. */
export function requireRole(...roles: Role[]) {
  return t.middleware(({ ctx, next }) => {
    if (!ctx.user || !roles.includes(ctx.user.role)) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `This needs the ${roles.join(' or ')} role.` });
    }
    return next();
  });
}

/** Admins only. */
export const adminProcedure = authedProcedure.use(requireRole('admin'));

import { randomBytes } from 'node:crypto';
import { loadTestServices } from '@tradehits/config';
import { type DbHandle, type Role, updateUser } from '@tradehits/db';
import { createPostgresTestDb } from '@tradehits/db/testing';
import { createBullmqRunner, type JobRunner, processors } from '@tradehits/jobs';
import { TRPCError } from '@trpc/server';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validateSessionToken } from './auth/session';
import { appRouter, createCaller } from './root';
import { createTestApi } from './testing';
import { createContextInner } from './trpc';

/**
 * Who may call each procedure. Every procedure of the router must be listed: a new one fails this
 * test until its access is declared here, and the matrix below then proves the declaration.
 * public: anyone; user: any signed-in user; beta: beta_user and admin; admin: admin only.
 */
const ACCESS: Record<string, 'public' | 'user' | 'beta' | 'admin'> = {
  'auth.register': 'public',
  'auth.login': 'public',
  'auth.logout': 'user',
  'auth.me': 'public',
  'health.check': 'public',
  'me.linkVenue': 'beta',
  'me.profile': 'user',
  'me.updateProfile': 'user',
  'me.parameters.list': 'user',
  'me.parameters.create': 'user',
  'me.parameters.update': 'user',
  'me.parameters.delete': 'user',
  'live.events': 'user',
  'markets.symbols': 'user',
  'markets.bars': 'user',
  'markets.latest': 'user',
  'markets.marketStatus': 'user',
  'markets.lowestPoints': 'user',
  'markets.detections': 'user',
  'sentiment.aggregated': 'user',
  'sentiment.politicalPosts': 'user',
  'sentiment.timeline': 'user',
  'sentiment.analyze': 'user',
  'trades.execute': 'user',
  'trades.active': 'user',
  'trades.history': 'user',
  'trades.close': 'user',
  'accounts.summary': 'user',
  'backtest.run': 'user',
  'research.study': 'user',
  'research.optimizerRuns': 'user',
  'research.applyOptimizerRun': 'user',
  'signals.markers': 'user',
  'signals.near': 'user',
  'signals.safety': 'user',
  'signals.performance': 'user',
  'feedback.submit': 'user',
};
const accessOf = (path: string) => ACCESS[path] ?? (path.startsWith('admin.') ? 'admin' : undefined);

/** Inputs valid enough to reach a role check that sits after input parsing. */
const VALID_INPUT: Record<string, unknown> = {
  'me.linkVenue': { assetType: 'crypto', venue: 'kraken', apiKey: 'abcdefgh12', secret: 'abcdefgh12' },
};

type Caller = ReturnType<typeof createCaller>;
type ProcedureDef = {
  _def: { type: 'query' | 'mutation' | 'subscription'; inputs: z.ZodType[] };
};
const procedures = appRouter._def.procedures as unknown as Record<string, ProcedureDef>;
const paths = Object.keys(procedures).sort();

function invoke(caller: Caller, path: string, input: unknown): Promise<unknown> {
  const fn = path
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (
    i: unknown,
  ) => Promise<unknown>;
  return fn(input);
}

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (err) {
    if (err instanceof TRPCError) return err.code;
    return `THROWN ${(err as Error).name}: ${(err as Error).message}`;
  }
}

// ---------------------------------------------------------------------------------------------------
// Arbitrary inputs from each procedure's zod schema: values of the declared shape (within and outside
// its bounds) mixed with junk of every other shape.

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
};

const nasty = fc.constantFrom(
  '',
  ' ',
  'ALL',
  'BTC/USD',
  'AAPL',
  "' or 1=1 --",
  '%',
  '%00',
  '\u0000',
  'a\u0007b',
  '😀'.repeat(20),
  'x'.repeat(5000),
  '00000000-0000-0000-0000-000000000000',
  '2026-01-01T00:00:00Z',
  '-1',
  '1e309',
  '__proto__',
  'constructor',
);
const anyNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(
    0,
    -0,
    -1,
    0.001,
    2.555,
    10.5,
    1e15,
    Number.MAX_SAFE_INTEGER,
    Number.NaN,
    Infinity,
    -Infinity,
  ),
);
const junk: fc.Arbitrary<unknown> = fc.oneof(
  nasty,
  anyNumber,
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.string({ maxLength: 40 }),
  fc.array(fc.oneof(fc.string({ maxLength: 5 }), fc.integer()), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), {
    maxKeys: 3,
  }),
);

function arbitraryFor(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants?.length) return fc.oneof(...variants.map((s) => arbitraryFor(s, depth + 1)));
  if (schema.allOf?.length) return arbitraryFor(schema.allOf[0]!, depth + 1);
  if (schema.const !== undefined) return fc.oneof(fc.constant(schema.const), junk);
  if (schema.enum) return fc.oneof(fc.constantFrom(...schema.enum), junk);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      if (depth > 4) return junk;
      const props = Object.entries(schema.properties ?? {});
      const record = Object.fromEntries(props.map(([k, s]) => [k, arbitraryFor(s, depth + 1)]));
      return fc.oneof(
        { weight: 4, arbitrary: fc.record(record, { requiredKeys: schema.required ?? [] }) },
        { weight: 1, arbitrary: fc.record(record, { requiredKeys: [] }) },
        { weight: 1, arbitrary: junk },
      );
    }
    case 'array':
      return fc.oneof(fc.array(arbitraryFor(schema.items ?? {}, depth + 1), { maxLength: 4 }), junk);
    case 'string': {
      const text = fc.string({ minLength: 1, maxLength: Math.min(schema.maxLength ?? 40, 40) });
      return fc.oneof(
        { weight: 3, arbitrary: text },
        // Text a field would accept but for one control character in it.
        { weight: 2, arbitrary: text.map((t) => `${t}\u0000`) },
        { weight: 2, arbitrary: nasty },
        { weight: 1, arbitrary: junk },
      );
    }
    case 'integer':
    case 'number': {
      const lo = schema.minimum ?? -1e6;
      const hi = schema.maximum ?? 1e6;
      const inRange =
        type === 'integer'
          ? fc.integer({ min: Math.max(lo, -1e9), max: Math.min(hi, 1e9) })
          : fc.double({ min: lo, max: hi, noNaN: true });
      return fc.oneof(inRange, anyNumber, junk);
    }
    case 'boolean':
      return fc.oneof(fc.boolean(), junk);
    case 'null':
      return fc.oneof(fc.constant(null), junk);
    default:
      return junk;
  }
}

function inputArbitrary(def: ProcedureDef): fc.Arbitrary<unknown> {
  const schema = def._def.inputs[0];
  if (!schema) return fc.oneof(fc.constant(undefined), junk);
  let json: JsonSchema;
  try {
    json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  } catch {
    json = {};
  }
  return arbitraryFor(json);
}

// ---------------------------------------------------------------------------------------------------

describe('authorization and input fuzzing over every procedure', () => {
  let db: DbHandle;
  let api: Awaited<ReturnType<typeof createTestApi>>;
  // Enqueues land in Redis under a throwaway prefix and nothing consumes them: a fuzzed admin.jobs.run
  // must not start jobs that write while other calls are being checked for writes.
  let runner: JobRunner;
  const prefix = `th-fuzz-${randomBytes(4).toString('hex')}`;
  const callers = {} as Record<'anonymous' | Role, Caller>;

  beforeAll(async () => {
    db = await createPostgresTestDb();
    api = await createTestApi(db);
    runner = createBullmqRunner(api.services, processors, {
      redisUrl: loadTestServices().redisUrl,
      consume: false,
      prefix,
    });
    callers.anonymous = createCaller(createContextInner({ services: api.services, runner }));
    for (const role of ['user', 'beta_user', 'admin'] as const) {
      const { user, token } = await api.signUp(`matrix-${role}`);
      await updateUser(db.db, user.id, { role });
      const s = (await validateSessionToken(db.db, token, new Date(), 30))!;
      callers[role] = createCaller(
        createContextInner({
          services: api.services,
          runner,
          req: { ip: '203.0.113.50', userAgent: 'fuzz' },
          session: { id: s.sessionId, expiresAt: s.expiresAt },
          user: s.user,
        }),
      );
    }
  });
  afterAll(async () => {
    await runner?.close();
    const redis = new Redis(loadTestServices().redisUrl);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await api?.close();
    await db?.close();
  });

  it('declares the access of every procedure', () => {
    const undeclared = paths.filter((p) => !accessOf(p));
    expect(undeclared, 'add these to ACCESS').toEqual([]);
    const stale = Object.keys(ACCESS).filter((p) => !procedures[p]);
    expect(stale, 'remove these from ACCESS').toEqual([]);
  });

  it('lets each role through exactly the procedures its access allows', async () => {
    const allowed = (access: string, who: 'anonymous' | Role) =>
      access === 'public' ||
      (who !== 'anonymous' &&
        (access === 'user' ||
          (access === 'beta' && who !== 'user') ||
          (access === 'admin' && who === 'admin')));
    const mismatches: string[] = [];
    for (const path of paths) {
      const access = accessOf(path)!;
      const def = procedures[path]!;
      for (const who of ['anonymous', 'user', 'beta_user', 'admin'] as const) {
        const may = allowed(access, who);
        // A number fits no procedure's input: an allowed caller gets BAD_REQUEST, a refused one the gate.
        const hasInput = def._def.inputs.length > 0;
        // Running a no-input mutation or a stream for an allowed caller proves nothing and has effects.
        if (may && !hasInput && def._def.type !== 'query') continue;
        const input = !may && VALID_INPUT[path] ? VALID_INPUT[path] : 12345.5;
        const got = await outcome(invoke(callers[who], path, input));
        const refused = got === 'UNAUTHORIZED' || got === 'FORBIDDEN';
        const expected = who === 'anonymous' ? 'UNAUTHORIZED' : 'FORBIDDEN';
        if (may && refused) mismatches.push(`${path} refused ${who}: ${got}`);
        if (!may && got !== expected) mismatches.push(`${path} let ${who} through: ${got}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  /** Every row of every table (login attempts aside: a refused login records the attempt by design). */
  async function fingerprint(): Promise<string> {
    const tables = (await db.db.execute(
      sql`select table_name from information_schema.tables
          where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'login_attempts'
          order by table_name`,
    )) as unknown as { rows: { table_name: string }[] };
    const parts = tables.rows.map(
      (t) =>
        sql`select ${t.table_name} as t, count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' order by x::text)), '') as h from ${sql.identifier(t.table_name)} x`,
    );
    const rows = (await db.db.execute(sql.join(parts, sql` union all `))) as unknown as {
      rows: { t: string; h: string }[];
    };
    return rows.rows.map((r) => `${r.t}=${r.h}`).join(';');
  }

  it('answers every fuzzed input without a server error, and writes nothing when it refuses', async () => {
    const failures: string[] = [];
    for (const path of paths) {
      const def = procedures[path]!;
      if (def._def.type === 'subscription') continue;
      if (!def._def.inputs.length && def._def.type === 'mutation') continue; // logout: no input to fuzz
      await fc.assert(
        fc.asyncProperty(inputArbitrary(def), async (input) => {
          const before = await fingerprint();
          const got = await outcome(invoke(callers.admin, path, input));
          if (got === 'OK') return;
          const shown = JSON.stringify(input)?.slice(0, 200);
          if (got.startsWith('THROWN') || /INTERNAL|SERVICE|GATEWAY|NOT_IMPLEMENTED/.test(got))
            failures.push(`${path}(${shown}) → ${got}`);
          else if ((await fingerprint()) !== before) failures.push(`${path}(${shown}) → ${got} but wrote`);
        }),
        { numRuns: 12, seed: 20261201, endOnFailure: true },
      );
    }
    expect(failures).toEqual([]);
  }, 180_000);
});

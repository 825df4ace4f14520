import { toCents, valueCentsDown } from '@tradehits/core/money';
import { tradeParametersSchema, tradeParametersUpdateSchema } from '@tradehits/core/params';
import {
  audit,
  createParameters,
  deleteParameters,
  getUser,
  listParameters,
  type TradeParametersValues,
  updateParameters,
  updateUser,
  upsertLiveAccount,
} from '@tradehits/db';
import { createLiveBroker, sealSecret } from '@tradehits/exchange';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { forgetUserSessions } from '../auth/session';
import { authedProcedure, router } from '../trpc';
import { accountView, parametersView, userView } from '../views';

const id = z.uuid('Not a valid id');

/** Validated parameters as the database takes them: the amount a user enters, in minor units. */
function toValues(p: Partial<z.output<typeof tradeParametersSchema>>): Partial<TradeParametersValues> {
  const { tradeAmount, ...rest } = p;
  return { ...rest, ...(tradeAmount !== undefined ? { tradeAmount: toCents(tradeAmount) } : {}) };
}

const duplicate = () =>
  new TRPCError({ code: 'CONFLICT', message: 'You already have parameters for that asset type and symbol.' });

const parametersRouter = router({
  list: authedProcedure.query(async ({ ctx }) =>
    (await listParameters(ctx.db, ctx.user.id)).map(parametersView),
  ),

  create: authedProcedure.input(tradeParametersSchema).mutation(async ({ ctx, input }) => {
    const row = await createParameters(ctx.db, ctx.user.id, toValues(input) as TradeParametersValues);
    if (!row) throw duplicate();
    await audit(ctx.db, {
      actorId: ctx.user.id,
      action: 'parameters.create',
      targetType: 'trade_parameters',
      targetId: row.id,
    });
    return parametersView(row);
  }),

  update: authedProcedure
    .input(tradeParametersUpdateSchema.extend({ id }))
    .mutation(async ({ ctx, input: { id, ...patch } }) => {
      const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      try {
        const row = await updateParameters(ctx.db, ctx.user.id, id, toValues(defined));
        if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such parameters.' });
        await audit(ctx.db, {
          actorId: ctx.user.id,
          action: 'parameters.update',
          targetType: 'trade_parameters',
          targetId: id,
          details: defined,
        });
        return parametersView(row);
      } catch (err) {
        if (isUniqueViolation(err)) throw duplicate();
        throw err;
      }
    }),

  delete: authedProcedure.input(z.object({ id })).mutation(async ({ ctx, input }) => {
    if (!(await deleteParameters(ctx.db, ctx.user.id, input.id))) {
      throw new TRPCError({ code: 'NOT_FOUND', message: 'No such parameters.' });
    }
    await audit(ctx.db, {
      actorId: ctx.user.id,
      action: 'parameters.delete',
      targetType: 'trade_parameters',
      targetId: input.id,
    });
    return { ok: true as const };
  }),
});

/** Links the user's own venue keys for live trading: checked against the venue, then sealed at rest. */
const linkVenue = authedProcedure
  .input(
    z.object({
      assetType: z.enum(['crypto', 'stock']),
      venue: z.enum(['kraken', 'alpaca']),
      apiKey: z.string().trim().min(8, 'Paste the API key').max(200),
      secret: z.string().trim().min(8, 'Paste the API secret').max(400),
    }),
  )
  .mutation(async ({ ctx, input }) => {
    if (ctx.user.role === 'user') {
      throw new TRPCError({ code: 'FORBIDDEN', message: 'Live trading opens to beta users first.' });
    }
    if (!ctx.config.SECRETS_KEY) {
      throw new TRPCError({
        code: 'PRECONDITION_FAILED',
        message: 'Live trading is not enabled on this server (no SECRETS_KEY).',
      });
    }
    if (input.assetType === 'crypto' && input.venue !== 'kraken') {
      throw new TRPCError({ code: 'BAD_REQUEST', message: 'Crypto trades through Kraken.' });
    }
    const credentials = { apiKey: input.apiKey, secret: input.secret };
    let usd: number;
    try {
      const balances = await createLiveBroker(input.venue, credentials, ctx.config).balances();
      usd = balances.USD ?? balances.ZUSD ?? 0;
    } catch (err) {
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: `The venue refused these keys: ${(err as Error).message}`,
      });
    }
    const account = await upsertLiveAccount(ctx.db, {
      userId: ctx.user.id,
      assetType: input.assetType,
      venue: input.venue,
      credentials: sealSecret(ctx.config.SECRETS_KEY, JSON.stringify(credentials)),
      // The venue's balance as a float: never credited above what it reports.
      startBalance: valueCentsDown(usd, 1),
    });
    await audit(ctx.db, {
      actorId: ctx.user.id,
      action: 'account.link',
      targetType: 'account',
      targetId: account.id,
      details: { venue: input.venue },
    });
    return accountView(account);
  });

export const meRouter = router({
  linkVenue,

  profile: authedProcedure.query(async ({ ctx }) => userView((await getUser(ctx.db, ctx.user.id))!)),

  updateProfile: authedProcedure
    .input(
      z
        .object({
          fullName: z.string().trim().min(1, 'Enter your full name').max(100).optional(),
          email: z.email('Enter a valid email address').max(254).optional(),
          /** Where this user's stock orders go; null returns to the platform default. */
          stockVenue: z.enum(['kraken', 'alpaca']).nullable().optional(),
        })
        .refine((p) => Object.values(p).some((v) => v !== undefined), 'Name at least one field to change'),
    )
    .mutation(async ({ ctx, input }) => {
      try {
        const updated = (await updateUser(ctx.db, ctx.user.id, input))!;
        // The user cached with a session must not outlive the change.
        forgetUserSessions(ctx.db, ctx.user.id);
        return userView(updated);
      } catch (err) {
        if (isUniqueViolation(err))
          throw new TRPCError({ code: 'CONFLICT', message: 'An account with that email exists.' });
        throw err;
      }
    }),

  parameters: parametersRouter,
});

/** Postgres unique_violation, as node-postgres and PGlite both report it (possibly wrapped by drizzle). */
export function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

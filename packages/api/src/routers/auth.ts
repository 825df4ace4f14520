import { toCents } from '@tradehits/core/money';
import {
  audit,
  claimLoginAttempt,
  createUser,
  ensurePaperAccounts,
  findUserForLogin,
  type LoginPolicy,
  loginSucceeded,
  updateUser,
  usernameOrEmailTaken,
} from '@tradehits/db';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { hashPassword, passwordProblem, verifyPassword } from '../auth/password';
import { clearedSessionCookie, createSession, invalidateSession, sessionCookie } from '../auth/session';
import { authedProcedure, type Context, publicProcedure, router } from '../trpc';
import { userView } from '../views';

export const registerInput = z.object({
  username: z
    .string()
    .trim()
    .min(3, 'Username needs at least 3 characters')
    .max(32, 'Username is at most 32 characters')
    .regex(/^[a-zA-Z0-9_.-]+$/, 'Username may use letters, digits, dot, dash and underscore'),
  email: z.email('Enter a valid email address').max(254),
  password: z
    .string()
    .min(10, 'Password needs at least 10 characters')
    .max(200)
    .superRefine((password, ctx) => {
      const problem = passwordProblem(password);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  fullName: z.string().trim().min(1, 'Enter your full name').max(100),
});

export const loginInput = z.object({
  username: z.string().trim().min(1, 'Enter your username').max(254),
  password: z.string().min(1, 'Enter your password').max(200),
});

/**
 * Failed logins slow the next try rather than lock the account: from one address, each try after the
 * 3rd failure on an account waits twice as long as the last (1 s, 2 s, ... up to 15 minutes); across
 * all addresses the wait starts after 10 failures and stays under 30 s, so someone guessing elsewhere
 * can slow the owner a little but never shut them out. One address gets 20 failures per 15 minutes.
 */
export const LOGIN_POLICY: LoginPolicy = {
  windowMs: 15 * 60_000,
  freePerAccountAddress: 3,
  maxAccountAddressDelayMs: 15 * 60_000,
  freePerAccount: 10,
  maxAccountDelayMs: 30_000,
  perAddress: 20,
};

async function startSession(ctx: Context, userId: string) {
  const now = ctx.services.now();
  const { token, expiresAt } = await createSession(
    ctx.db,
    userId,
    now,
    ctx.config.SESSION_DAYS,
    ctx.req.userAgent,
  );
  ctx.req.setCookie(sessionCookie(token, expiresAt, secureCookies(ctx)));
  return { token, expiresAt };
}

function secureCookies(ctx: Context) {
  return ctx.config.COOKIE_SECURE ?? ctx.config.NODE_ENV === 'production';
}

export const authRouter = router({
  register: publicProcedure.input(registerInput).mutation(async ({ ctx, input }) => {
    // Hash first, so a taken name or email answers no faster than a new one.
    const passwordHash = await hashPassword(input.password);
    const taken = await usernameOrEmailTaken(ctx.db, input.username, input.email);
    // One answer for either: whether an email has an account here is not told to anyone who asks. (A
    // username must be told apart from a free one to be chosen at all, so that much is unavoidable.)
    if (taken.username || taken.email) throw registrationConflict();
    const balance = toCents(ctx.config.PAPER_START_BALANCE);
    const user = await ctx.db.transaction(async (tx) => {
      const created = await createUser(tx, { ...input, passwordHash, balance });
      if (!created) throw registrationConflict();
      await ensurePaperAccounts(tx, created.id, balance);
      await audit(tx, {
        actorId: created.id,
        action: 'user.register',
        targetType: 'user',
        targetId: created.id,
      });
      return created;
    });
    await startSession(ctx, user.id);
    return userView(user);
  }),

  login: publicProcedure.input(loginInput).mutation(async ({ ctx, input }) => {
    const now = ctx.services.now();
    // The attempt is recorded (as a failure) before the password is checked, so no number of
    // concurrent or batched guesses gets more checks than the limits allow.
    const claim = await claimLoginAttempt(ctx.db, {
      username: input.username,
      address: ctx.req.ip,
      now,
      policy: LOGIN_POLICY,
    });
    if (!claim.ok) {
      const seconds = Math.ceil(claim.retryAfterMs / 1000);
      throw new TRPCError({
        code: 'TOO_MANY_REQUESTS',
        message: `Too many failed logins. Try again in ${seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} minutes`}.`,
      });
    }
    const found = await findUserForLogin(ctx.db, input.username);
    // Verify against a hash even when the user is unknown, so timing does not reveal which usernames exist.
    const ok = found
      ? await verifyPassword(found.passwordHash, input.password)
      : await verifyPassword(DUMMY_HASH, input.password);
    if (!found || !ok) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Wrong username or password.' });
    await loginSucceeded(ctx.db, claim.attemptId);
    if (!found.active) throw new TRPCError({ code: 'FORBIDDEN', message: 'This account is deactivated.' });
    await startSession(ctx, found.id);
    const { passwordHash: _omit, ...user } = found;
    return userView((await updateUser(ctx.db, found.id, { lastLoginAt: now })) ?? user);
  }),

  logout: authedProcedure.mutation(async ({ ctx }) => {
    await invalidateSession(ctx.db, ctx.session.id);
    ctx.req.setCookie(clearedSessionCookie(secureCookies(ctx)));
    return { ok: true as const };
  }),

  me: publicProcedure.query(({ ctx }) => (ctx.user ? userView(ctx.user) : null)),
});

function registrationConflict() {
  return new TRPCError({
    code: 'CONFLICT',
    message: 'That username is taken, or that email already has an account. Sign in, or choose another.',
  });
}

// argon2id hash of a random string, used only to spend the same time on unknown usernames.
const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$8m0v2yQm3Cq0a4V2u7mR7b3o0Zt2JcQKq4d7yq8vB2Q';

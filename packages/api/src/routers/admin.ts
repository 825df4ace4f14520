import {
  audit,
  countAdmins,
  countUnreadNotifications,
  deleteUserSessions,
  getSetting,
  getUser,
  listApprovals,
  listAudit,
  listCalendarDisagreements,
  listFeedback,
  listJobRuns,
  listNotifications,
  listReports,
  listUsers,
  lockAdminRoles,
  markNotificationsRead,
  putSetting,
  updateUser,
} from '@tradehits/db';
import { jobPayloads, QUEUES } from '@tradehits/jobs';
import { createSources } from '@tradehits/sentiment';
import { decideLiveOrder, KILL_SWITCH_KEY } from '@tradehits/trading';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { forgetUserSessions } from '../auth/session';
import { idInput } from '../inputs';
import { adminProcedure, router } from '../trpc';
import { approvalView, userView } from '../views';

const usersRouter = router({
  list: adminProcedure.query(async ({ ctx }) => (await listUsers(ctx.db)).map(userView)),

  /** Changes a user's role or active flag; an admin cannot demote or deactivate the last admin. */
  update: adminProcedure
    .input(
      z.object({
        id: idInput,
        role: z.enum(['user', 'beta_user', 'admin']).optional(),
        active: z.boolean().optional(),
      }),
    )
    .mutation(async ({ ctx, input: { id, ...patch } }) => {
      const updated = await ctx.db.transaction(async (tx) => {
        // Read and check under the lock: two admins demoting each other at once must leave one.
        await lockAdminRoles(tx);
        const target = await getUser(tx, id);
        if (!target) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such user.' });
        const losesAdmin =
          target.role === 'admin' &&
          target.active &&
          ((patch.role && patch.role !== 'admin') || patch.active === false);
        if (losesAdmin && (await countAdmins(tx)) <= 1) {
          throw new TRPCError({
            code: 'PRECONDITION_FAILED',
            message: 'The last active admin cannot be demoted or deactivated.',
          });
        }
        const row = await updateUser(tx, id, patch);
        if (patch.active === false) await deleteUserSessions(tx, id);
        await audit(tx, {
          actorId: ctx.user.id,
          action: 'user.update',
          targetType: 'user',
          targetId: id,
          details: patch,
        });
        return row;
      });
      // A role or active flag cached with a session must not outlive the change.
      forgetUserSessions(ctx.db, id);
      return userView(updated!);
    }),
});

const approvalsRouter = router({
  list: adminProcedure
    .input(
      z.object({ status: z.enum(['pending', 'approved', 'rejected', 'expired']).optional() }).default({}),
    )
    .query(async ({ ctx, input }) => (await listApprovals(ctx.db, input.status)).map(approvalView)),

  /** Approve (the order goes to the user's venue) or reject (the held cash is released). */
  decide: adminProcedure
    .input(
      z.object({
        id: idInput,
        decision: z.enum(['approve', 'reject']),
        note: z.string().max(500).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const result = await decideLiveOrder(ctx.services, {
        approvalId: input.id,
        decision: input.decision,
        adminId: ctx.user.id,
        note: input.note ?? null,
      });
      if (!result.ok) throw new TRPCError({ code: 'CONFLICT', message: result.reason });
      return result;
    }),
});

const safetyRouter = router({
  get: adminProcedure.query(async ({ ctx }) => {
    const users = await listUsers(ctx.db);
    const now = ctx.services.now();
    return {
      killSwitch: (await getSetting<boolean>(ctx.db, KILL_SWITCH_KEY)) ?? false,
      pausedUsers: users
        .filter((u) => u.tradingPaused || (u.pausedUntil && u.pausedUntil > now))
        .map((u) => ({
          id: u.id,
          username: u.username,
          tradingPaused: u.tradingPaused,
          pausedUntil: u.pausedUntil,
        })),
    };
  }),

  /** The global kill switch: no new entries for anyone while it is on. */
  setKillSwitch: adminProcedure.input(z.object({ on: z.boolean() })).mutation(async ({ ctx, input }) => {
    await putSetting(ctx.db, KILL_SWITCH_KEY, input.on, ctx.user.id);
    await audit(ctx.db, {
      actorId: ctx.user.id,
      action: input.on ? 'safety.kill-switch.on' : 'safety.kill-switch.off',
    });
    ctx.bus.publish({ type: 'safety', killSwitch: input.on });
    return { killSwitch: input.on };
  }),

  pauseUser: adminProcedure
    .input(z.object({ userId: idInput, paused: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const user = await updateUser(ctx.db, input.userId, {
        tradingPaused: input.paused,
        ...(input.paused ? {} : { pausedUntil: null }),
      });
      if (!user) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such user.' });
      // The trader's safety strip reads the pause from the user cached with their session.
      forgetUserSessions(ctx.db, input.userId);
      await audit(ctx.db, {
        actorId: ctx.user.id,
        action: input.paused ? 'user.pause' : 'user.resume',
        targetType: 'user',
        targetId: input.userId,
      });
      return userView(user);
    }),
});

/** A job-queue call; a queue backend that does not answer is a clear 503, not a hang or a bare 500. */
async function queueCall<T>(
  ctx: { log: { warn(o: object, m: string): void } },
  op: () => Promise<T>,
): Promise<T> {
  try {
    return await op();
  } catch (err) {
    if (err instanceof TRPCError) throw err;
    ctx.log.warn({ err: (err as Error).message }, 'job queue call failed');
    throw new TRPCError({
      code: 'SERVICE_UNAVAILABLE',
      message: 'The job queue is not answering (Redis may be down). Try again shortly.',
    });
  }
}

const jobsRouter = router({
  /** Runs a job now (e.g. an ingest after an outage), with the same payload checks as its schedule. */
  run: adminProcedure
    .input(
      z.discriminatedUnion('name', [
        z.object({ name: z.literal('system.heartbeat') }),
        z.object({ name: z.literal('market.ingest'), data: jobPayloads['market.ingest'] }),
        z.object({ name: z.literal('sentiment.collect') }),
        z.object({ name: z.literal('sentiment.aggregate') }),
        z.object({ name: z.literal('engine.tick'), data: jobPayloads['engine.tick'] }),
        z.object({ name: z.literal('reports.daily') }),
        z.object({ name: z.literal('calendar.crosscheck') }),
        z.object({ name: z.literal('system.housekeeping') }),
        z.object({ name: z.literal('alerts.scan') }),
        z.object({ name: z.literal('system.backup') }),
        z.object({ name: z.literal('system.retention') }),
      ]),
    )
    .mutation(async ({ ctx, input }) => {
      const data = 'data' in input ? input.data : {};
      await queueCall(ctx, () => ctx.runner.enqueue(input.name, data as never));
      await audit(ctx.db, {
        actorId: ctx.user.id,
        action: 'job.run',
        targetType: 'job',
        targetId: input.name,
        details: data,
      });
      return { queued: input.name };
    }),

  runs: adminProcedure
    .input(
      z
        .object({ limit: z.number().int().min(1).max(500).default(100), job: z.string().max(64).optional() })
        .default({ limit: 100 }),
    )
    .query(({ ctx, input }) => listJobRuns(ctx.db, input.limit, input.job)),

  queues: adminProcedure.query(({ ctx }) => queueCall(ctx, () => ctx.runner.health())),

  retry: adminProcedure
    .input(z.object({ queue: z.enum(QUEUES as [string, ...string[]]), jobId: z.string().min(1).max(200) }))
    .mutation(async ({ ctx, input }) => {
      if (!(await queueCall(ctx, () => ctx.runner.retry(input.queue, input.jobId)))) {
        throw new TRPCError({ code: 'NOT_FOUND', message: 'No failed job with that id in that queue.' });
      }
      await audit(ctx.db, {
        actorId: ctx.user.id,
        action: 'job.retry',
        targetType: 'job',
        targetId: `${input.queue}:${input.jobId}`,
      });
      return { ok: true as const };
    }),
});

/** Each sentiment source: configured or off (and why), with what its last collect run brought. */
const sentimentSourcesProcedure = adminProcedure.query(async ({ ctx }) => {
  const [lastRun] = await listJobRuns(ctx.db, 1, 'sentiment.collect');
  const reports =
    (lastRun?.detail as { perSource?: { id: string; count: number; error?: string }[] } | null)?.perSource ??
    [];
  return createSources(ctx.config).map((source) => {
    const last = reports.find((r) => r.id === source.id);
    return {
      id: source.id,
      kind: source.kind,
      status: source.status(),
      lastRunAt: lastRun?.startedAt ?? null,
      lastCount: last?.count ?? null,
      lastError: last?.error ?? null,
    };
  });
});

export const adminRouter = router({
  sentimentSources: sentimentSourcesProcedure,
  users: usersRouter,
  approvals: approvalsRouter,
  safety: safetyRouter,
  jobs: jobsRouter,
  reports: router({ list: adminProcedure.query(({ ctx }) => listReports(ctx.db)) }),
  feedback: router({ list: adminProcedure.query(({ ctx }) => listFeedback(ctx.db)) }),
  audit: router({
    list: adminProcedure
      .input(z.object({ limit: z.number().int().min(1).max(500).default(100) }).default({ limit: 100 }))
      .query(({ ctx, input }) => listAudit(ctx.db, input.limit)),
  }),
  calendar: router({ disagreements: adminProcedure.query(({ ctx }) => listCalendarDisagreements(ctx.db)) }),
  notifications: router({
    /** The newest notifications and how many are unread (the console's badge). */
    list: adminProcedure
      .input(z.object({ limit: z.number().int().min(1).max(200).default(30) }).default({ limit: 30 }))
      .query(async ({ ctx, input }) => ({
        unread: await countUnreadNotifications(ctx.db),
        items: await listNotifications(ctx.db, input.limit),
      })),
    /** Marks the given notifications read, or all of them when no ids are given. */
    markRead: adminProcedure
      .input(z.object({ ids: z.array(idInput).min(1).max(200).optional() }).default({}))
      .mutation(async ({ ctx, input }) => ({
        marked: await markNotificationsRead(ctx.db, ctx.services.now(), input.ids),
      })),
  }),
});

import { sql } from 'drizzle-orm';
import { type DbOrTx, queryRows } from '../client';
import { approvals, jobRuns, settings, trades } from '../schema';

/** What `/metrics` reports from the relational core, read in a handful of grouped queries. */
export interface PlatformGauges {
  trades: { status: string; mode: 'paper' | 'live'; count: number }[];
  /** Approvals still awaiting a decision (past their expiry they can no longer be approved). */
  pendingApprovals: number;
  paper: { closed: number; wins: number; realizedPnl: number };
  jobRuns: { job: string; status: string; count: number }[];
  /** Symbols whose engine tick was refused by the volatility circuit breaker within the window. */
  circuitBreaker: string[];
  killSwitch: boolean;
}

const num = (v: unknown) => Number(v ?? 0);

/**
 * Gauges over the relational core. Job runs are counted over the last day (the table is pruned, so
 * an all-time count would fall); the circuit breaker over the last `breakerWindowMs`.
 */
export async function platformGauges(
  db: DbOrTx,
  now: Date,
  opts: { killSwitchKey: string; breakerWindowMs: number },
): Promise<PlatformGauges> {
  const dayAgo = new Date(now.getTime() - 86_400_000);
  const breakerSince = new Date(now.getTime() - opts.breakerWindowMs);
  const [byStatus, pending, paper, runs, breaker, kill] = await Promise.all([
    queryRows<{ status: string; is_paper: boolean; n: unknown }>(
      db,
      sql`select status, is_paper, count(*) as n from ${trades} group by status, is_paper`,
    ),
    queryRows<{ n: unknown }>(
      db,
      sql`select count(*) as n from ${approvals} where status = 'pending' and expires_at > ${now}`,
    ),
    queryRows<{ closed: unknown; wins: unknown; pnl: unknown }>(
      db,
      sql`
      select count(*) as closed, count(*) filter (where pnl > 0) as wins, coalesce(sum(pnl), 0)::text as pnl
      from ${trades} where is_paper and status = 'closed'`,
    ),
    queryRows<{ job: string; status: string; n: unknown }>(
      db,
      sql`select job, status, count(*) as n from ${jobRuns} where started_at >= ${dayAgo} group by job, status`,
    ),
    queryRows<{ symbol: string }>(
      db,
      sql`
      select distinct symbol from ${jobRuns}
      where job = 'engine.tick' and error = 'circuit-breaker' and started_at >= ${breakerSince}
        and symbol is not null`,
    ),
    queryRows<{ value: unknown }>(db, sql`select value from ${settings} where key = ${opts.killSwitchKey}`),
  ]);
  const p = paper[0];
  return {
    trades: byStatus.map((r) => ({
      status: r.status,
      mode: r.is_paper ? 'paper' : 'live',
      count: num(r.n),
    })),
    pendingApprovals: num(pending[0]?.n),
    paper: { closed: num(p?.closed), wins: num(p?.wins), realizedPnl: Number(p?.pnl ?? 0) },
    jobRuns: runs.map((r) => ({ job: r.job, status: r.status, count: num(r.n) })),
    circuitBreaker: breaker.map((r) => r.symbol),
    killSwitch: kill[0]?.value === true,
  };
}

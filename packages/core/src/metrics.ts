import type { ExitReason } from './types';

/**
 * Performance of a run of trades. Money in integer cents of the quote currency; ratios as floats.
 *
 * Sharpe and Sortino are computed from the equity curve's per-point returns (risk-free rate 0) and
 * annualised by √(points per year), where points per year = 365.25 days / the bar spacing: crypto
 * trades around the clock, so a 5m curve has 105,192 points a year. For stocks this overstates the
 * count (the market is open ~1,638 hours a year), so compare stock runs with each other only.
 * Sortino's downside deviation is √(mean of min(r, 0)²) over all points.
 */

/** One closed trade. */
export interface TradeRecord {
  symbol: string;
  /** Fill instant of the entry (the open of the bar after the signal). */
  entryTime: number;
  /** Close of the bar in which the exit happened. */
  exitTime: number;
  entryPrice: number;
  exitPrice: number;
  quantity: number;
  costCents: number;
  proceedsCents: number;
  /** Entry and exit fees together. */
  feesCents: number;
  /** Proceeds − cost − fees. */
  pnlCents: number;
  exitReason: ExitReason;
}

/** Account value (cash + open positions at the close) at an instant. */
export interface EquityPoint {
  time: number;
  equityCents: number;
}

/** Results for one symbol. */
export interface SymbolMetrics {
  symbol: string;
  trades: number;
  wins: number;
  losses: number;
  winRate: number | null;
  pnlCents: number;
}

/** The performance summary of a run. */
export interface Metrics {
  trades: number;
  wins: number;
  losses: number;
  /** wins / trades; null without trades. */
  winRate: number | null;
  totalPnlCents: number;
  /** Mean net P&L per trade in cents (a ratio, not money owed); null without trades. */
  averagePnlCents: number | null;
  bestTradeCents: number | null;
  worstTradeCents: number | null;
  /** Gross profit / gross loss; null when there is no losing trade. */
  profitFactor: number | null;
  maxDrawdownCents: number;
  /** Largest peak-to-trough fall as a share of the peak (0.1 = 10 %). */
  maxDrawdownPct: number;
  sharpe: number | null;
  sortino: number | null;
  /** Share of the run's time with at least one position open (0…1). */
  exposure: number;
  startCents: number;
  endCents: number;
  /** (end − start) / start. */
  returnPct: number;
  /** Equity points per year used to annualise Sharpe and Sortino. */
  periodsPerYear: number;
  perSymbol: SymbolMetrics[];
}

const YEAR_MS = 365.25 * 86_400_000;

/** Computes the metrics of a run from its trades and its equity curve over [from, to). */
export function computeMetrics(input: {
  trades: readonly TradeRecord[];
  equity: readonly EquityPoint[];
  startCents: number;
  /** Spacing of the equity curve's points in ms (the bar length). */
  barMs: number;
  from: number;
  to: number;
}): Metrics {
  const { trades, equity, startCents } = input;
  let wins = 0;
  let losses = 0;
  let total = 0;
  let grossProfit = 0;
  let grossLoss = 0;
  let best: number | null = null;
  let worst: number | null = null;
  const bySymbol = new Map<string, SymbolMetrics>();
  for (const t of trades) {
    total += t.pnlCents;
    if (t.pnlCents > 0) {
      wins++;
      grossProfit += t.pnlCents;
    } else if (t.pnlCents < 0) {
      losses++;
      grossLoss -= t.pnlCents;
    }
    if (best === null || t.pnlCents > best) best = t.pnlCents;
    if (worst === null || t.pnlCents < worst) worst = t.pnlCents;
    let row = bySymbol.get(t.symbol);
    if (row === undefined) {
      row = { symbol: t.symbol, trades: 0, wins: 0, losses: 0, winRate: null, pnlCents: 0 };
      bySymbol.set(t.symbol, row);
    }
    row.trades++;
    row.pnlCents += t.pnlCents;
    if (t.pnlCents > 0) row.wins++;
    else if (t.pnlCents < 0) row.losses++;
  }
  const perSymbol = [...bySymbol.values()]
    .map((r) => ({ ...r, winRate: r.wins / r.trades }))
    .sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));

  let peak = startCents;
  let maxDrawdownCents = 0;
  let maxDrawdownPct = 0;
  for (const p of equity) {
    if (p.equityCents > peak) peak = p.equityCents;
    const fall = peak - p.equityCents;
    if (fall > maxDrawdownCents) maxDrawdownCents = fall;
    if (peak > 0 && fall / peak > maxDrawdownPct) maxDrawdownPct = fall / peak;
  }

  const periodsPerYear = YEAR_MS / input.barMs;
  const { sharpe, sortino } = riskRatios(equity, startCents, periodsPerYear);
  const endCents = equity.length > 0 ? equity[equity.length - 1]!.equityCents : startCents;
  const n = trades.length;
  return {
    trades: n,
    wins,
    losses,
    winRate: n > 0 ? wins / n : null,
    totalPnlCents: total,
    averagePnlCents: n > 0 ? total / n : null,
    bestTradeCents: best,
    worstTradeCents: worst,
    profitFactor: grossLoss > 0 ? grossProfit / grossLoss : null,
    maxDrawdownCents,
    maxDrawdownPct,
    sharpe,
    sortino,
    exposure: exposure(trades, input.from, input.to),
    startCents,
    endCents,
    returnPct: startCents > 0 ? (endCents - startCents) / startCents : 0,
    periodsPerYear,
    perSymbol,
  };
}

/** Annualised Sharpe and Sortino of per-point returns; null with fewer than two returns or no variation. */
function riskRatios(
  equity: readonly EquityPoint[],
  startCents: number,
  periodsPerYear: number,
): { sharpe: number | null; sortino: number | null } {
  const n = equity.length;
  if (n < 2) return { sharpe: null, sortino: null };
  let previous = startCents;
  let sum = 0;
  for (const p of equity) {
    sum += previous > 0 ? p.equityCents / previous - 1 : 0;
    previous = p.equityCents;
  }
  const mean = sum / n;
  let squares = 0;
  let downside = 0;
  previous = startCents;
  for (const p of equity) {
    const r = previous > 0 ? p.equityCents / previous - 1 : 0;
    previous = p.equityCents;
    squares += (r - mean) * (r - mean);
    if (r < 0) downside += r * r;
  }
  const sd = Math.sqrt(squares / (n - 1));
  const dd = Math.sqrt(downside / n);
  const scale = Math.sqrt(periodsPerYear);
  return {
    sharpe: sd > 0 ? (mean / sd) * scale : null,
    sortino: dd > 0 ? (mean / dd) * scale : null,
  };
}

/** Length of the union of the trades' [entry, exit] intervals over the run's length. */
function exposure(trades: readonly TradeRecord[], from: number, to: number): number {
  if (!(to > from) || trades.length === 0) return 0;
  const spans = trades.map((t) => [Math.max(t.entryTime, from), Math.min(t.exitTime, to)] as const);
  spans.sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let start = Number.NaN;
  let end = Number.NEGATIVE_INFINITY;
  for (const [s, e] of spans) {
    if (s > end) {
      if (end > start) covered += end - start;
      start = s;
      end = e;
    } else if (e > end) {
      end = e;
    }
  }
  if (end > start) covered += end - start;
  return covered / (to - from);
}

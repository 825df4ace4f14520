import { centsToDecimal } from './pnl';

/** A statistic with its bootstrap interval, as the research procedures return it. */
export interface EstimateLike {
  value: number;
  low: number;
  high: number;
}

/** What a run of trades made (the optimiser's summaries). Money in cents of the quote currency. */
export interface SummaryLike {
  trades: number;
  winRate: number | null;
  pnlCents: number;
  feesCents: number;
  profitFactor: number | null;
  meanReturn: number | null;
  winRateInterval?: EstimateLike | null;
  pnlInterval?: EstimateLike | null;
  meanReturnInterval?: EstimateLike | null;
}

/** A fraction as a signed percentage with its interval: "+1.20% [−0.40, +2.80]". */
export function returnText(e: EstimateLike | null | undefined): string {
  if (e === null || e === undefined) return '—';
  const f = (x: number) => `${x > 0 ? '+' : x < 0 ? '−' : ''}${Math.abs(x * 100).toFixed(2)}`;
  return `${f(e.value)}% [${f(e.low)}, ${f(e.high)}]`;
}

/** A share as a whole percentage with its interval: "74% [53, 89]". */
export function shareText(e: EstimateLike | null | undefined): string {
  if (e === null || e === undefined) return '—';
  const f = (x: number) => Math.round(x * 100);
  return `${f(e.value)}% [${f(e.low)}, ${f(e.high)}]`;
}

/** The rows an optimiser summary shows, label and text, the same for out-of-sample and in-sample. */
export function summaryRows(s: SummaryLike): { label: string; value: string }[] {
  const money = (cents: number) => centsToDecimal(Math.round(cents));
  const interval = s.pnlInterval ? ` [${money(s.pnlInterval.low)}, ${money(s.pnlInterval.high)}]` : '';
  return [
    { label: 'Trades', value: String(s.trades) },
    {
      label: 'Win rate',
      value: s.winRateInterval
        ? shareText(s.winRateInterval)
        : s.winRate === null
          ? '—'
          : `${Math.round(s.winRate * 100)}%`,
    },
    { label: 'P&L after fees', value: `${money(s.pnlCents)}${interval}` },
    { label: 'Fees', value: money(s.feesCents) },
    { label: 'Profit factor', value: s.profitFactor === null ? '—' : s.profitFactor.toFixed(2) },
    { label: 'Mean trade', value: s.meanReturnInterval ? returnText(s.meanReturnInterval) : '—' },
  ];
}

/** The recommended parameters in words. */
export function describeRecommended(c: {
  takeProfitPct: number;
  stopLossPct: number;
  takeProfitAtr: number | null;
  stopLossAtr: number | null;
  trailingStopPct: number | null;
  breakEvenAfterPct: number | null;
  maxHoldingHours: number | null;
  buyAtLowestOnly: boolean;
  maxConcurrentTrades: number;
}): string {
  const parts = [
    c.takeProfitAtr !== null ? `take profit ${c.takeProfitAtr}× ATR` : `take profit ${c.takeProfitPct}%`,
    c.stopLossAtr !== null ? `stop ${c.stopLossAtr}× ATR` : `stop ${c.stopLossPct}%`,
  ];
  if (c.trailingStopPct !== null) parts.push(`trailing ${c.trailingStopPct}%`);
  if (c.breakEvenAfterPct !== null) parts.push(`break-even after ${c.breakEvenAfterPct}%`);
  if (c.maxHoldingHours !== null) parts.push(`hold at most ${c.maxHoldingHours} h`);
  parts.push(c.buyAtLowestOnly ? 'lowest points only' : 'any confident signal');
  parts.push(`${c.maxConcurrentTrades} open at most`);
  return parts.join(', ');
}

import type { Metrics } from '@tradehits/core/metrics';
import { formatMoney, formatPct, formatShare } from './format';
import { centsToDecimal } from './pnl';

/** One labelled figure of a backtest summary, with a sign class for colouring where it has one. */
export interface MetricRow {
  label: string;
  value: string;
  tone?: 'up' | 'down' | 'flat';
}

const moneyCents = (cents: number | null, currency: string, signed = false): string =>
  cents === null ? '—' : formatMoney(centsToDecimal(Math.round(cents)), currency, { signed });
const tone = (n: number | null): MetricRow['tone'] =>
  n === null || n === 0 ? 'flat' : n > 0 ? 'up' : 'down';
const ratio = (n: number | null): string => (n === null ? '—' : n.toFixed(2));

/**
 * A backtest's metrics as the rows the report shows, money from integer cents in the run's quote
 * currency, shares as percentages.
 */
export function metricRows(m: Metrics, currency = 'USD'): MetricRow[] {
  const usdCents = (cents: number | null, signed = false) => moneyCents(cents, currency, signed);
  return [
    { label: 'Return', value: formatPct(m.returnPct * 100, { signed: true }), tone: tone(m.returnPct) },
    { label: 'Total P&L', value: usdCents(m.totalPnlCents, true), tone: tone(m.totalPnlCents) },
    { label: 'Start → end equity', value: `${usdCents(m.startCents)} → ${usdCents(m.endCents)}` },
    { label: 'Trades', value: `${m.trades} (${m.wins} won, ${m.losses} lost)` },
    { label: 'Win rate', value: formatShare(m.winRate) },
    {
      label: 'Average P&L per trade',
      value: usdCents(m.averagePnlCents, true),
      tone: tone(m.averagePnlCents),
    },
    { label: 'Best trade', value: usdCents(m.bestTradeCents, true), tone: tone(m.bestTradeCents) },
    { label: 'Worst trade', value: usdCents(m.worstTradeCents, true), tone: tone(m.worstTradeCents) },
    {
      label: 'Profit factor',
      // Null with trades means no losing trade: the ratio has no finite value.
      value:
        m.profitFactor === null
          ? m.trades > 0 && m.losses === 0
            ? 'no losses'
            : '—'
          : ratio(m.profitFactor),
    },
    {
      label: 'Max drawdown',
      value: `${usdCents(m.maxDrawdownCents)} (${formatPct(m.maxDrawdownPct * 100)})`,
      tone: m.maxDrawdownCents > 0 ? 'down' : 'flat',
    },
    { label: 'Sharpe', value: ratio(m.sharpe) },
    { label: 'Sortino', value: ratio(m.sortino) },
    { label: 'Time in market', value: formatShare(m.exposure) },
  ];
}

/** A simulated trade as the report reads it. */
export interface SimTrade {
  symbol: string;
  entryTime: number;
  exitTime: number;
  entryPrice: number;
  exitPrice: number;
  costCents: number;
  feesCents: number;
  pnlCents: number;
  exitReason: string;
}

/** One pair's line of a backtest: trades, wins, fees and net P&L in cents. */
export interface PairRow {
  symbol: string;
  trades: number;
  wins: number;
  feesCents: number;
  pnlCents: number;
}

/** A backtest's trades summed per pair, pairs in name order; the rows add up to the total P&L. */
export function perPairRows(trades: readonly SimTrade[]): PairRow[] {
  const rows = new Map<string, PairRow>();
  for (const t of trades) {
    const row = rows.get(t.symbol) ?? { symbol: t.symbol, trades: 0, wins: 0, feesCents: 0, pnlCents: 0 };
    row.trades++;
    if (t.pnlCents > 0) row.wins++;
    row.feesCents += t.feesCents;
    row.pnlCents += t.pnlCents;
    rows.set(t.symbol, row);
  }
  return [...rows.values()].sort((a, b) => a.symbol.localeCompare(b.symbol));
}

/** One symbol's simulated trades as chart markers: each entry and exit, closed, with its reason. */
export function tradesAsMarkers(trades: readonly SimTrade[], symbol: string) {
  return trades
    .filter((t) => t.symbol === symbol)
    .map((t, i) => ({
      id: `${symbol}-${i}`,
      status: 'closed',
      entryTime: new Date(t.entryTime),
      entryPrice: String(t.entryPrice),
      exitTime: new Date(t.exitTime),
      exitPrice: String(t.exitPrice),
      takeProfitPrice: null,
      stopLossPrice: null,
      executionReason: 'backtest signal',
      exitReason: t.exitReason,
    }));
}

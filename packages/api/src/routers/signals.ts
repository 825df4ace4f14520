import type { Config } from '@tradehits/config';
import { CONDITIONS } from '@tradehits/core/detector';
import { DEFAULT_DETECTOR_SETTINGS } from '@tradehits/core/params';
import { safetySettingsFrom, utcDayStart } from '@tradehits/core/safety';
import type { Detection } from '@tradehits/core/types';
import {
  closedTradeTotals,
  getSetting,
  listAccounts,
  realizedSinceByMode,
  tradeMarkers,
} from '@tradehits/db';
import { anySentimentSourceConfigured } from '@tradehits/sentiment/sources/index';
import { KILL_SWITCH_KEY } from '@tradehits/trading';
import { z } from 'zod';
import { assetTypeInput, symbolInput } from '../inputs';
import { authedProcedure, router } from '../trpc';
import { tradeMarkerView } from '../views';

/** How the trader's screens describe sentiment: on, or off with the reason. */
function sentimentState(config: Config) {
  // The engine's own test: with no source at all it judges without the sentiment terms.
  const configured = anySentimentSourceConfigured(config);
  return { configured, label: configured ? 'sentiment on' : 'sentiment off: no source configured' };
}

/** Newest detection per symbol and timeframe, as the detector last judged it. */
function newestPerSymbol(detections: readonly Detection[]): Detection[] {
  const seen = new Map<string, Detection>();
  for (const d of detections) {
    const key = `${d.symbol}|${d.timeframe}`;
    const had = seen.get(key);
    if (!had || had.barTime < d.barTime) seen.set(key, d);
  }
  return [...seen.values()];
}

/** Detections the markers of one chart may draw: enough for a year of daily bars or weeks of 5m. */
const MARKER_DETECTIONS = 500;
const MARKER_TRADES = 200;

export const signalsRouter = router({
  /**
   * What a chart of one symbol marks: the detector's judgements (every timeframe, so the daily and
   * hourly charts show what the 5-minute detector saw) and the caller's trades with entry, exit and
   * the TP/SL levels fixed on each.
   */
  markers: authedProcedure.input(z.object({ symbol: symbolInput })).query(async ({ ctx, input }) => {
    const [detections, trades] = await Promise.all([
      ctx.analytics.detections({ symbol: input.symbol, limit: MARKER_DETECTIONS }),
      tradeMarkers(ctx.db, ctx.user.id, input.symbol, MARKER_TRADES),
    ]);
    return {
      detections: detections.map((d) => ({
        timeframe: d.timeframe,
        barTime: d.barTime,
        price: d.price,
        confidence: d.confidence,
        isLowestPoint: d.isLowestPoint,
        reasons: d.reasons,
        notes: d.notes,
      })),
      trades: trades.map(tradeMarkerView),
    };
  }),

  /**
   * The watchlist a trader checks first: per symbol and timeframe the newest confidence, which
   * conditions hold and which are missing, and the threshold a lowest point needs.
   */
  near: authedProcedure.input(z.object({ assetType: assetTypeInput })).query(async ({ ctx, input }) => {
    const sentiment = sentimentState(ctx.config);
    // Without a source the sentiment condition is not judged, so it is neither met nor missing.
    const judged = CONDITIONS.filter((c) => sentiment.configured || c !== 'sentiment');
    const latest = newestPerSymbol(
      await ctx.analytics.detections({ assetType: input.assetType, limit: 500 }),
    );
    const rows = latest
      .map((d) => ({
        symbol: d.symbol,
        timeframe: d.timeframe,
        barTime: d.barTime,
        price: d.price,
        confidence: d.confidence,
        isLowestPoint: d.isLowestPoint,
        met: judged.filter((c) => d.reasons.includes(c)),
        missing: judged.filter((c) => !d.reasons.includes(c)),
        notes: d.notes,
      }))
      .sort((a, b) => b.confidence - a.confidence || a.symbol.localeCompare(b.symbol));
    return { threshold: DEFAULT_DETECTOR_SETTINGS.minConfidence, sentiment, rows };
  }),

  /** The rails that stop the caller's entries right now: kill switch, pause, and today's loss. */
  safety: authedProcedure.query(async ({ ctx }) => {
    const now = ctx.services.now();
    const settings = safetySettingsFrom(ctx.config);
    const [killSwitch, realizedToday, accounts] = await Promise.all([
      getSetting<boolean>(ctx.db, KILL_SWITCH_KEY),
      realizedSinceByMode(ctx.db, ctx.user.id, new Date(utcDayStart(now.getTime()))),
      listAccounts(ctx.db, ctx.user.id),
    ]);
    const lossCents = (mode: 'paper' | 'live') => Math.max(0, -(realizedToday.get(mode) ?? 0));
    const pausedUntil = ctx.user.pausedUntil && ctx.user.pausedUntil > now ? ctx.user.pausedUntil : null;
    return {
      killSwitch: killSwitch ?? false,
      paused: ctx.user.tradingPaused,
      pausedUntil,
      dailyLoss: {
        liveUsedCents: lossCents('live'),
        liveLimitCents: settings.smallMoneyDailyLossCents,
        paperUsedCents: lossCents('paper'),
      },
      sentiment: sentimentState(ctx.config),
      // A live account the venue refused waits for relinked keys: its entries and exits are held.
      quarantined: accounts
        .filter((a) => a.status === 'quarantined')
        .map((a) => ({ assetType: a.assetType, mode: a.mode, reason: a.statusReason })),
    };
  }),

  /**
   * Closed-trade performance per account: net P&L and fees per pair, and per UTC day with the running
   * total, summed from the same rows the trade table lists.
   */
  performance: authedProcedure.query(async ({ ctx }) => {
    const [accounts, totals] = await Promise.all([
      listAccounts(ctx.db, ctx.user.id),
      closedTradeTotals(ctx.db, ctx.user.id),
    ]);
    return accounts.map((a) => {
      const pairs = totals.bySymbol.filter((r) => r.accountId === a.id);
      let running = 0;
      const days = totals.byDay
        .filter((r) => r.accountId === a.id)
        .map((r) => {
          running += r.pnl;
          return { day: r.day, pnlCents: r.pnl, cumulativeCents: running };
        });
      return {
        accountId: a.id,
        mode: a.mode,
        assetType: a.assetType,
        realizedCents: pairs.reduce((sum, p) => sum + p.pnl, 0),
        feesCents: pairs.reduce((sum, p) => sum + p.fees, 0),
        pairs: pairs.map((p) => ({
          symbol: p.symbol,
          currency: p.currency,
          trades: p.trades,
          wins: p.wins,
          pnlCents: p.pnl,
          feesCents: p.fees,
        })),
        days,
      };
    });
  }),
});

import {
  type BootstrapOptions,
  bootstrap,
  DEFAULT_BOOTSTRAP,
  type Estimate,
  mean,
  shareAboveZero,
} from './bootstrap';
import { DetectorState } from './detector';
import { withIndicators } from './indicators';
import { DEFAULT_DETECTOR_SETTINGS, type DetectorSettings } from './params';
import { resampleBars } from './resample';
import type { AssetType, Bar, BarWithIndicators, Timeframe } from './types';
import { TIMEFRAME_MS } from './types';

/**
 * The signal study, pure: every lowest point the detector raises on each timeframe, what the price did
 * after it (returns at 1, 2, 6 and 24 hours from the signal bar's close, and the largest favourable and
 * adverse excursion inside 24 hours), and the detection accuracy, the share of signals whose price was
 * higher two hours later, overall, per timeframe and per symbol and timeframe, with seeded bootstrap
 * intervals. Sentiment is left out (no recorded series), so the detector judges as a backtest does by default.
 */

export const STUDY_HORIZONS = [
  { key: 'h1', ms: 3_600_000 },
  { key: 'h2', ms: 7_200_000 },
  { key: 'h6', ms: 21_600_000 },
  { key: 'h24', ms: 86_400_000 },
] as const;
export type Horizon = (typeof STUDY_HORIZONS)[number]['key'];

const EXCURSION_MS = 86_400_000;

/** One detection and what followed it. Returns are fractions (0.01 = +1 %); null past the data. */
export interface StudySignal {
  symbol: string;
  timeframe: Timeframe;
  barTime: number;
  price: number;
  confidence: number;
  returns: Record<Horizon, number | null>;
  /** Highest high over the next 24 h against the signal close (≥ 0 unless no bar followed). */
  mfe: number | null;
  /** Lowest low over the next 24 h against the signal close (≤ 0 unless no bar followed). */
  mae: number | null;
}

/** The figures of one group of signals. */
export interface StudyGroup {
  symbol: string | 'ALL';
  timeframe: Timeframe | 'ALL';
  signals: number;
  /** Share higher after 2 h, of the signals with a 2 h return. */
  accuracy: Estimate | null;
  /** Mean return per horizon. */
  meanReturn: Record<Horizon, Estimate | null>;
  meanMfe: Estimate | null;
  meanMae: Estimate | null;
}

/** The study's report. */
export interface StudyReport {
  timeframes: Timeframe[];
  symbols: string[];
  from: number;
  to: number;
  bootstrap: BootstrapOptions;
  overall: StudyGroup;
  byTimeframe: StudyGroup[];
  bySymbol: StudyGroup[];
  signals: StudySignal[];
  notes: string[];
}

/** What the study runs on: 5m bars per symbol (resampled for longer timeframes). */
export interface StudyInput {
  series: readonly { symbol: string; assetType?: AssetType; bars: readonly Bar[] }[];
  timeframes: readonly Timeframe[];
  detector?: DetectorSettings;
  bootstrap?: BootstrapOptions;
}

/** Runs the study. Throws when a series is not 5m bars of its own symbol. */
export function runStudy(input: StudyInput): StudyReport {
  const settings = input.detector ?? DEFAULT_DETECTOR_SETTINGS;
  const options = input.bootstrap ?? DEFAULT_BOOTSTRAP;
  const signals: StudySignal[] = [];
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const s of input.series) {
    for (const b of s.bars) {
      if (b.timeframe !== '5m' || b.symbol !== s.symbol) {
        throw new Error(
          `runStudy: ${s.symbol} has a ${b.symbol} ${b.timeframe} bar; the study reads 5m bars`,
        );
      }
    }
    if (s.bars.length > 0) {
      from = Math.min(from, s.bars[0]!.openTime);
      to = Math.max(to, s.bars.at(-1)!.openTime + TIMEFRAME_MS['5m']);
    }
    for (const timeframe of input.timeframes) {
      const bars = withIndicators(timeframe === '5m' ? s.bars : resampleBars(s.bars, timeframe));
      signals.push(...studySeries(s.symbol, s.assetType ?? 'crypto', timeframe, bars, settings));
    }
  }
  const symbols = input.series.map((s) => s.symbol);
  const group = (symbol: string, timeframe: Timeframe | 'ALL', list: StudySignal[]) =>
    summarise(symbol, timeframe, list, options);
  return {
    timeframes: [...input.timeframes],
    symbols,
    from: Number.isFinite(from) ? from : 0,
    to: Number.isFinite(to) ? to : 0,
    bootstrap: options,
    overall: group('ALL', 'ALL', signals),
    byTimeframe: input.timeframes.map((tf) =>
      group(
        'ALL',
        tf,
        signals.filter((x) => x.timeframe === tf),
      ),
    ),
    bySymbol: input.timeframes.flatMap((tf) =>
      symbols.map((symbol) =>
        group(
          symbol,
          tf,
          signals.filter((x) => x.timeframe === tf && x.symbol === symbol),
        ),
      ),
    ),
    signals,
    notes: [
      'sentiment left out: the detector judges without its sentiment terms, as a backtest does by default',
      `intervals: ${Math.round(options.level * 100)} % percentile bootstrap, ${options.resamples} resamples, seed ${options.seed}`,
    ],
  };
}

/** The lowest points of one series and their forward paths. */
export function studySeries(
  symbol: string,
  assetType: AssetType,
  timeframe: Timeframe,
  bars: readonly BarWithIndicators[],
  settings: DetectorSettings,
): StudySignal[] {
  const detector = new DetectorState({ symbol, assetType, timeframe, settings, sentiment: 'ignore' });
  const barMs = TIMEFRAME_MS[timeframe];
  const out: StudySignal[] = [];
  for (let i = 0; i < bars.length; i++) {
    const bar = bars[i]!;
    if (!detector.push(bar, null)) continue;
    const closeTime = bar.openTime + barMs;
    const price = bar.close;
    const returns = {} as Record<Horizon, number | null>;
    for (const h of STUDY_HORIZONS) {
      const j = lastBarClosingBy(bars, closeTime + h.ms, barMs);
      returns[h.key] =
        j > i && bars[j]!.openTime + barMs === closeTime + h.ms ? bars[j]!.close / price - 1 : null;
    }
    let high = Number.NEGATIVE_INFINITY;
    let low = Number.POSITIVE_INFINITY;
    for (let j = i + 1; j < bars.length && bars[j]!.openTime + barMs <= closeTime + EXCURSION_MS; j++) {
      high = Math.max(high, bars[j]!.high);
      low = Math.min(low, bars[j]!.low);
    }
    out.push({
      symbol,
      timeframe,
      barTime: bar.openTime,
      price,
      confidence: detector.detection().confidence,
      returns,
      mfe: Number.isFinite(high) ? high / price - 1 : null,
      mae: Number.isFinite(low) ? low / price - 1 : null,
    });
  }
  return out;
}

/** Index of the last bar closing at or before `t`; -1 when none. */
function lastBarClosingBy(bars: readonly Bar[], t: number, barMs: number): number {
  let lo = 0;
  let hi = bars.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (bars[mid]!.openTime + barMs <= t) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

function summarise(
  symbol: string,
  timeframe: Timeframe | 'ALL',
  list: readonly StudySignal[],
  options: BootstrapOptions,
): StudyGroup {
  const known = (pick: (s: StudySignal) => number | null) =>
    list.map(pick).filter((x): x is number => x !== null);
  const meanReturn = {} as Record<Horizon, Estimate | null>;
  for (const h of STUDY_HORIZONS)
    meanReturn[h.key] = bootstrap(
      known((s) => s.returns[h.key]),
      mean,
      options,
    );
  return {
    symbol,
    timeframe,
    signals: list.length,
    accuracy: bootstrap(
      known((s) => s.returns.h2),
      shareAboveZero,
      options,
    ),
    meanReturn,
    meanMfe: bootstrap(
      known((s) => s.mfe),
      mean,
      options,
    ),
    meanMae: bootstrap(
      known((s) => s.mae),
      mean,
      options,
    ),
  };
}

import { DEFAULT_DETECTOR_SETTINGS, type DetectorSettings } from './params';
import { RollingExtreme, RollingMean } from './rolling';
import type { AssetType, BarWithIndicators, Detection, SentimentReading, Timeframe } from './types';

/**
 * The lowest-point detector (DESIGN.md "Domain defaults"), streaming: one `DetectorState` per symbol and
 * timeframe, fed each closed bar with its indicators, O(1) amortised per bar. `detectSeries` runs the
 * same state over a whole series.
 *
 * Unknown sentiment: with `sentiment: 'judge'` (live, and a backtest given a score or a series) a null
 * score fails both sentiment conditions and the detection carries the note `sentiment unknown`. With
 * `sentiment: 'ignore'` (the backtest default) the sentiment terms drop out: the `sentiment > 0`
 * condition is not required and the 0.15 weight is not counted. The 0.70 threshold is NOT rescaled, so
 * the other evidence must reach 0.70 of its 0.85 on its own; confidences stay comparable with live ones.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** A signal's outcome is the close this long after it. */
const OUTCOME_MS = 2 * HOUR_MS;

/** One bit per condition; `reasons` lists them by these names. */
export const CONDITIONS = [
  'near24h',
  'near7d',
  'support',
  'rsi',
  'bb',
  'approaching',
  'volume',
  'sentiment',
] as const;
/** A condition the detector judges. */
export type Condition = (typeof CONDITIONS)[number];

const NEAR24H = 1;
const NEAR7D = 2;
const SUPPORT = 4;
const RSI = 8;
const BB = 16;
const APPROACHING = 32;
const VOLUME = 64;
const SENTIMENT = 128;
/** The design's fixed weights in integer hundredths, in CONDITIONS order (sum 90; capped at 100). */
export const CONDITION_WEIGHTS: readonly number[] = [15, 10, 5, 10, 5, 20, 10, 15];

/** How the detector treats sentiment: judge the given score (null fails), or leave its terms out. */
export type SentimentHandling = 'judge' | 'ignore';

/** What a `DetectorState` is for and how it judges. */
export interface DetectorOptions {
  symbol: string;
  assetType: AssetType;
  timeframe: Timeframe;
  settings?: DetectorSettings;
  sentiment?: SentimentHandling;
}

/** Confidence in integer hundredths from a condition bitmask. */
export function confidencePoints(flags: number): number {
  let points = 0;
  for (let bit = 0; bit < CONDITION_WEIGHTS.length; bit++) {
    if (flags & (1 << bit)) points += CONDITION_WEIGHTS[bit]!;
  }
  return Math.min(points, 100);
}

/** confidencePoints for every bitmask, looked up per bar. */
const POINTS = Int32Array.from({ length: 1 << CONDITIONS.length }, (_, flags) => confidencePoints(flags));

/** Streaming detector for one symbol and timeframe; push bars oldest first. */
export class DetectorState {
  readonly symbol: string;
  readonly assetType: AssetType;
  readonly timeframe: Timeframe;
  readonly settings: DetectorSettings;
  readonly sentimentHandling: SentimentHandling;

  private readonly low24h = new RollingExtreme(DAY_MS, 'min');
  private readonly low7d = new RollingExtreme(7 * DAY_MS, 'min');
  private readonly low30d = new RollingExtreme(30 * DAY_MS, 'min');
  private readonly windowLow: RollingExtreme;
  private readonly volumeMean: RollingMean;
  private readonly threshold: number;
  /** SMA21 − SMA9 at the last narrowingBars + 1 bars (ring), NaN where unknown. */
  private readonly gaps: Float64Array;
  private index = -1;
  private lastRsiIndex = Number.NEGATIVE_INFINITY;
  private lastBbIndex = Number.NEGATIVE_INFINITY;
  private lastVolumeIndex = Number.NEGATIVE_INFINITY;
  private lastSignalIndex = Number.NEGATIVE_INFINITY;
  private previousSma9 = Number.NaN;
  private previousSma21 = Number.NaN;
  private previousTime = Number.NEGATIVE_INFINITY;
  /** Signals waiting for their two-hour outcome: times and closes, FIFO. */
  private pendingTimes: number[] = [];
  private pendingCloses: number[] = [];
  private pendingHead = 0;
  private outcomes = 0;
  private rises = 0;

  // The verdict at the last pushed bar; `detection()` materialises it.
  /** The last bar pushed. */
  bar: BarWithIndicators | null = null;
  /** Conditions held at the last bar, one bit per CONDITIONS entry. */
  flags = 0;
  /** Confidence at the last bar in integer hundredths. */
  points = 0;
  /** The lowest-point rule held at the last bar. */
  isLowestPoint = false;
  /** A lowest point outside the quiet window after the previous signal. */
  buySignal = false;
  /** The lowest point was suppressed by the previous signal's window. */
  suppressed = false;
  /** Sentiment score given with the last bar. */
  sentiment: number | null = null;
  politicalSentiment: number | null = null;
  /** Share of resolved past signals that rose within two hours, as of the last bar. */
  riseProbability: number | null = null;

  constructor(options: DetectorOptions) {
    this.symbol = options.symbol;
    this.assetType = options.assetType;
    this.timeframe = options.timeframe;
    this.settings = options.settings ?? DEFAULT_DETECTOR_SETTINGS;
    this.sentimentHandling = options.sentiment ?? 'judge';
    this.windowLow = new RollingExtreme(this.settings.evidenceWindow, 'min');
    this.volumeMean = new RollingMean(this.settings.volumeAverageBars);
    this.threshold = Math.round(this.settings.minConfidence * 100);
    this.gaps = new Float64Array(this.settings.narrowingBars + 1).fill(Number.NaN);
  }

  /**
   * Judges a closed bar and returns whether it is a buy signal. Throws unless bars arrive oldest first
   * for this symbol; the state is unchanged when it throws.
   */
  push(bar: BarWithIndicators, reading: SentimentReading | null = null): boolean {
    if (!(bar.openTime > this.previousTime)) {
      throw new Error(
        `DetectorState(${this.symbol} ${this.timeframe}): bars must arrive oldest first (openTime ${bar.openTime} after ${this.previousTime})`,
      );
    }
    const s = this.settings;
    const i = ++this.index;
    const t = bar.openTime;
    this.previousTime = t;
    this.bar = bar;
    this.resolveOutcomes(t, bar.close);

    const low = bar.low;
    const low24h = this.low24h.push(t, low);
    const low7d = this.low7d.push(t, low);
    const low30d = this.low30d.push(t, low);
    const windowLow = this.windowLow.push(i, low);
    if (bar.rsi14 !== null && bar.rsi14 < s.rsiOversold) this.lastRsiIndex = i;
    if (bar.bbLower !== null && bar.close <= bar.bbLower) this.lastBbIndex = i;
    const volumeAverage = this.volumeMean.push(bar.volume);
    if (bar.volume > s.volumeSpikeMultiple * volumeAverage) this.lastVolumeIndex = i;

    const firstInWindow = i - s.evidenceWindow + 1;
    let flags = 0;
    if (windowLow <= low24h * (1 + s.near24hPct / 100)) flags |= NEAR24H;
    if (windowLow <= low7d * (1 + s.near7dPct / 100)) flags |= NEAR7D;
    if (windowLow <= low30d * (1 + s.supportPct / 100)) flags |= SUPPORT;
    if (this.lastRsiIndex >= firstInWindow) flags |= RSI;
    if (this.lastBbIndex >= firstInWindow) flags |= BB;
    if (this.lastVolumeIndex >= firstInWindow) flags |= VOLUME;
    if (this.maApproaching(bar.sma9, bar.sma21)) flags |= APPROACHING;

    const score = reading?.score ?? null;
    this.sentiment = score;
    this.politicalSentiment = reading?.politicalScore ?? null;
    const judging = this.sentimentHandling === 'judge';
    if (judging && score !== null && score > s.bullishSentiment) flags |= SENTIMENT;
    const sentimentOk = !judging || (score !== null && score > 0);

    const points = POINTS[flags]!;
    this.flags = flags;
    this.points = points;
    this.isLowestPoint =
      points >= this.threshold &&
      (flags & (NEAR24H | NEAR7D)) !== 0 &&
      (flags & (RSI | BB)) !== 0 &&
      (flags & APPROACHING) !== 0 &&
      sentimentOk;
    this.suppressed = this.isLowestPoint && i - this.lastSignalIndex < s.evidenceWindow;
    this.buySignal = this.isLowestPoint && !this.suppressed;
    this.riseProbability = this.outcomes > 0 ? this.rises / this.outcomes : null;
    if (this.buySignal) {
      this.lastSignalIndex = i;
      this.pendingTimes.push(t);
      this.pendingCloses.push(bar.close);
    }
    return this.buySignal;
  }

  /** Confidence at the last bar (0…1, exact hundredths). */
  get confidence(): number {
    return this.points / 100;
  }

  /** Confidence a bar needs, in integer hundredths. */
  get thresholdPoints(): number {
    return this.threshold;
  }

  /** The full verdict at the last pushed bar. Throws before the first bar. */
  detection(): Detection {
    const bar = this.bar;
    if (bar === null) throw new Error(`DetectorState(${this.symbol}): no bar pushed yet`);
    const reasons: string[] = [];
    for (let bit = 0; bit < CONDITIONS.length; bit++) {
      if (this.flags & (1 << bit)) reasons.push(CONDITIONS[bit]!);
    }
    const notes: string[] = [];
    if (this.sentimentHandling === 'ignore') notes.push('sentiment ignored');
    else if (this.sentiment === null) notes.push('sentiment unknown');
    if (this.suppressed) notes.push('within the evidence window of the previous signal');
    const { bbLower, bbUpper } = bar;
    const bbPosition =
      bbLower !== null && bbUpper !== null && bbUpper > bbLower
        ? (bar.close - bbLower) / (bbUpper - bbLower)
        : null;
    return {
      symbol: this.symbol,
      assetType: this.assetType,
      timeframe: this.timeframe,
      barTime: bar.openTime,
      price: bar.close,
      low24h: this.low24h.value,
      low7d: this.low7d.value,
      support: this.low30d.value,
      rsi: bar.rsi14,
      macdHist: bar.macdHist,
      bbPosition,
      sentiment: this.sentiment,
      politicalSentiment: this.politicalSentiment,
      reasons,
      confidence: this.confidence,
      isLowestPoint: this.isLowestPoint,
      riseProbability: this.riseProbability,
      buySignal: this.buySignal,
      notes,
    };
  }

  /** SMA9 below SMA21 by under maGapPct and narrowing at each of the last bars, or SMA9 crossing up now. */
  private maApproaching(sma9: number | null, sma21: number | null): boolean {
    const gaps = this.gaps;
    const n = gaps.length;
    const gap = sma9 !== null && sma21 !== null ? sma21 - sma9 : Number.NaN;
    const slot = this.index % n;
    gaps[slot] = gap;
    const crossedUp =
      sma9 !== null && sma21 !== null && sma9 > sma21 && this.previousSma9 <= this.previousSma21;
    this.previousSma9 = sma9 ?? Number.NaN;
    this.previousSma21 = sma21 ?? Number.NaN;
    if (crossedUp) return true;
    if (!(gap > 0 && gap < (this.settings.maGapPct / 100) * sma21!)) return false;
    if (this.index < n - 1) return false;
    // Each of the last narrowingBars gaps is narrower than the one before it (NaN fails every comparison).
    for (let k = 0; k < n - 1; k++) {
      const later = gaps[(slot - k + n) % n]!;
      const earlier = gaps[(slot - k - 1 + n) % n]!;
      if (!(later < earlier)) return false;
    }
    return true;
  }

  /** Settles signals whose two hours have passed: rose if this close is above the signal's close. */
  private resolveOutcomes(t: number, close: number): void {
    const times = this.pendingTimes;
    while (this.pendingHead < times.length && times[this.pendingHead]! + OUTCOME_MS <= t) {
      this.outcomes++;
      if (close > this.pendingCloses[this.pendingHead]!) this.rises++;
      this.pendingHead++;
    }
    if (this.pendingHead === times.length && this.pendingHead > 0) {
      times.length = 0;
      this.pendingCloses.length = 0;
      this.pendingHead = 0;
    }
  }
}

/** Sentiment at a bar for `detectSeries`: a constant reading, or a function of the bar's openTime. */
export type SentimentSource = SentimentReading | null | ((t: number) => SentimentReading | null);

/** Runs a fresh detector over a whole series (oldest first) and returns every bar's detection. */
export function detectSeries(
  bars: readonly BarWithIndicators[],
  options: DetectorOptions,
  sentiment: SentimentSource = null,
): Detection[] {
  const state = new DetectorState(options);
  const out = new Array<Detection>(bars.length);
  for (let i = 0; i < bars.length; i++) {
    const bar = bars[i]!;
    state.push(bar, typeof sentiment === 'function' ? sentiment(bar.openTime) : sentiment);
    out[i] = state.detection();
  }
  return out;
}

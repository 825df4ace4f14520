import { barColumns } from '@tradehits/core/bar-columns';
import type { BarWithIndicators } from '@tradehits/core/types';
import { describe, expect, it } from 'vitest';
import {
  barsFromAnswer,
  barUpdateFor,
  invalidationsFor,
  mergeBars,
  mergeBarsAnswer,
  newestOpenTime,
  RECONNECT_INVALIDATIONS,
  unwrapTracked,
} from './live';

describe('invalidationsFor', () => {
  it('refreshes latest prices and open positions on a bar, but never refetches the charts', () => {
    const targets = invalidationsFor({ type: 'bar', symbol: 'ETH/BTC', timeframe: '5m', openTime: 1 }).map(
      (i) => i.target,
    );
    expect(targets).toEqual(['markets.latest', 'trades.active', 'accounts.summary']);
    expect(targets).not.toContain('markets.bars');
  });

  it("refreshes lowest points, the watchlist and that symbol's markers on a detection", () => {
    expect(invalidationsFor({ type: 'detection', detection: { symbol: 'ETH/BTC' } })).toEqual([
      { target: 'markets.lowestPoints' },
      { target: 'signals.near' },
      { target: 'signals.markers', symbol: 'ETH/BTC' },
    ]);
  });

  it('refreshes the watchlist and the shown markers when a tick stores its judgements', () => {
    expect(invalidationsFor({ type: 'detections', symbols: ['ETH/BTC', 'LTC/BTC'] })).toEqual([
      { target: 'signals.near' },
      { target: 'signals.markers' },
    ]);
  });

  it('refreshes positions, history, accounts, performance and markers when a trade opens or closes', () => {
    for (const type of ['trade.opened', 'trade.closed'] as const) {
      expect(invalidationsFor({ type, trade: { symbol: 'ADA/BTC' } })).toEqual([
        { target: 'trades.active' },
        { target: 'trades.history' },
        { target: 'accounts.summary' },
        { target: 'signals.performance' },
        { target: 'signals.safety' },
        { target: 'signals.markers', symbol: 'ADA/BTC' },
      ]);
    }
  });

  it('refreshes the approval queue and the trades on an approval', () => {
    expect(invalidationsFor({ type: 'approval' }).map((i) => i.target)).toEqual(
      expect.arrayContaining(['admin.approvals', 'admin.notifications', 'trades.active', 'signals.markers']),
    );
  });

  it('refreshes the admin notification badge on a notification', () => {
    expect(invalidationsFor({ type: 'notification' })).toEqual([{ target: 'admin.notifications' }]);
  });

  it("refreshes the admin panel and the trader's safety strip when the kill switch flips", () => {
    expect(invalidationsFor({ type: 'safety' })).toEqual([
      { target: 'admin.safety' },
      { target: 'signals.safety' },
    ]);
  });

  it("refreshes the trader's safety strip, positions and accounts when an account is quarantined", () => {
    const targets = invalidationsFor({ type: 'account' }).map((i) => i.target);
    expect(targets).toEqual(expect.arrayContaining(['signals.safety', 'trades.active', 'accounts.summary']));
  });

  it('ignores heartbeats and kinds it does not know', () => {
    expect(invalidationsFor({ type: 'heartbeat' })).toEqual([]);
    expect(invalidationsFor({ type: 'something.new' })).toEqual([]);
  });

  it('refetches every live view after a reconnect', () => {
    expect(new Set(RECONNECT_INVALIDATIONS.map((i) => i.target))).toEqual(
      new Set([
        'markets.bars',
        'markets.latest',
        'markets.lowestPoints',
        'admin.approvals',
        'admin.notifications',
        'admin.safety',
        'signals.near',
        'signals.markers',
        'signals.performance',
        'signals.safety',
        'trades.active',
        'trades.history',
        'accounts.summary',
      ]),
    );
  });
});

describe('barUpdateFor', () => {
  it('names the series a bar extends, and nothing for other events', () => {
    expect(barUpdateFor({ type: 'bar', symbol: 'ETH/BTC', timeframe: '1h', openTime: 5 })).toEqual({
      symbol: 'ETH/BTC',
      timeframe: '1h',
    });
    expect(barUpdateFor({ type: 'bar', symbol: 'ETH/BTC' })).toBeNull();
    expect(barUpdateFor({ type: 'detection' })).toBeNull();
  });
});

describe('mergeBars', () => {
  const bar = (openTime: number, close = openTime) => ({ openTime, close });

  it('appends new bars and drops the oldest to keep the length', () => {
    expect(mergeBars([bar(1), bar(2), bar(3)], [bar(4), bar(5)])).toEqual([bar(3), bar(4), bar(5)]);
  });

  it('replaces a revised bar with the same open time', () => {
    expect(mergeBars([bar(1), bar(2), bar(3)], [bar(3, 30), bar(4)])).toEqual([bar(2), bar(3, 30), bar(4)]);
  });

  it('keeps the cache as it was when nothing new came', () => {
    const cached = [bar(1), bar(2)];
    expect(mergeBars(cached, [])).toEqual(cached);
  });

  it('fills an empty cache with what arrived', () => {
    expect(mergeBars([], [bar(7)])).toEqual([bar(7)]);
  });
});

describe('unwrapTracked', () => {
  it('takes the data out of a tracked envelope and passes a plain event through', () => {
    const event = { type: 'heartbeat', at: 1 };
    expect(unwrapTracked({ id: '1-0', data: event })).toBe(event);
    expect(unwrapTracked(event)).toBe(event);
  });
});

describe('mergeBarsAnswer', () => {
  const bar = (openTime: number, close = openTime): BarWithIndicators => ({
    symbol: 'ETH/BTC',
    timeframe: '5m',
    openTime,
    open: close,
    high: close,
    low: close,
    close,
    volume: 1,
    tradeCount: null,
    rsi14: openTime === 3 ? 55.5 : null,
    macd: null,
    macdSignal: null,
    macdHist: null,
    bbUpper: null,
    bbMiddle: null,
    bbLower: null,
    sma9: null,
    sma21: null,
    sma50: null,
    sma200: null,
    ema9: null,
    ema21: null,
    vwap: null,
  });
  const answer = (bars: BarWithIndicators[], etag = '"e"') => ({
    etag,
    json: JSON.stringify(barColumns('ETH/BTC', '5m', bars)),
  });

  it('reads the bars and the newest open time of a columnar answer', () => {
    const cached = answer([bar(1), bar(2), bar(3)]);
    expect(barsFromAnswer(cached)).toEqual([bar(1), bar(2), bar(3)]);
    expect(newestOpenTime(cached)).toBe(3);
    expect(newestOpenTime(answer([]))).toBeNull();
  });

  it('merges a fresh tail into the cached columns, revised bar replaced, length kept', () => {
    const merged = mergeBarsAnswer(
      answer([bar(1), bar(2), bar(3)], '"cached"'),
      answer([bar(3, 30), bar(4)]),
    );
    expect(barsFromAnswer(merged)).toEqual([bar(2), bar(3, 30), bar(4)]);
    expect(merged.etag).toBe('"cached"');
  });

  it('keeps the cached bars when the tail brings nothing new', () => {
    const cached = answer([bar(1), bar(2)]);
    expect(barsFromAnswer(mergeBarsAnswer(cached, answer([])))).toEqual([bar(1), bar(2)]);
  });
});

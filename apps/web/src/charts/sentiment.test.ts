import type { SentimentAggregate } from '@tradehits/core/types';
import { describe, expect, it } from 'vitest';
import { sentimentChartOption } from './sentiment';

const hour = 3_600_000;
const t0 = Date.UTC(2018, 0, 10);
const agg = (asOf: number, average: number | null, total: number): SentimentAggregate => ({
  symbol: 'BTC/USD',
  assetType: 'crypto',
  window: '1h',
  asOf,
  average,
  trend: 'flat',
  bullish: 0,
  bearish: 0,
  total,
  bySource: { news: null, social: null, political: null, coinmarketcap: null },
  signal: 'hold',
  confidence: 0,
});

type Series = { name: string; data: [number, number | '-'][] };

describe('sentimentChartOption', () => {
  it('plots the average by hour in time order, with item counts as bars', () => {
    const option = sentimentChartOption([agg(t0 + hour, -40, 3), agg(t0, 25, 12)]);
    const [items, line] = option.series as Series[];
    expect(line!.data).toEqual([
      [t0, 25],
      [t0 + hour, -40],
    ]);
    expect(items!.data).toEqual([
      [t0, 12],
      [t0 + hour, 3],
    ]);
    expect(option.graphic).toBeUndefined();
  });

  it('leaves a gap for an hour with no evidence rather than plotting zero', () => {
    const [, line] = sentimentChartOption([agg(t0, 10, 2), agg(t0 + hour, null, 0)]).series as Series[];
    expect(line!.data[1]).toEqual([t0 + hour, '-']);
  });

  it('keeps the −100…100 scale fixed so hours compare across symbols', () => {
    const [score] = sentimentChartOption([agg(t0, 5, 1)]).yAxis as { min: number; max: number }[];
    expect(score).toMatchObject({ min: -100, max: 100 });
  });

  it('says so when there is no history', () => {
    expect(JSON.stringify(sentimentChartOption([]).graphic)).toContain('No sentiment history');
  });
});

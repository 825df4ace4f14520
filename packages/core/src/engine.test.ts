import { describe, expect, it } from 'vitest';
import {
  type EngineUser,
  engineTick,
  type MarketTick,
  type OpenPosition,
  skipReasonOf,
  type TickInput,
  withinHours,
} from './engine';
import { exitFor } from './exits';
import { tradeParametersSchema } from './params';
import { SEED_RULES } from './testing/rules';
import { DEFAULT_SAFETY } from './testing/safety';
import type { Detection } from './types';

const LEVELS = { entryPrice: 100, takeProfitPrice: 103, stopLossPrice: 98 };
const NOW = Date.UTC(2024, 0, 3, 14, 30); // a Wednesday, 14:30 UTC

function detection(symbol: string, fields: Partial<Detection> = {}): Detection {
  return {
    symbol,
    assetType: 'crypto',
    timeframe: '5m',
    barTime: NOW - 300_000,
    price: 100,
    low24h: 99,
    low7d: 95,
    support: 90,
    rsi: 28,
    macdHist: null,
    bbPosition: 0.1,
    sentiment: 40,
    politicalSentiment: null,
    reasons: ['near24h', 'rsi', 'approaching', 'sentiment'],
    confidence: 0.75,
    isLowestPoint: true,
    riseProbability: null,
    buySignal: true,
    notes: [],
    ...fields,
  };
}

function market(symbol: string, fields: Partial<MarketTick> = {}): MarketTick {
  return {
    symbol,
    assetType: 'crypto',
    bar: { openTime: NOW - 300_000, open: 100, high: 101, low: 99, close: 100, volume: 1000 },
    detection: detection(symbol),
    sentiment: { score: 40, politicalMin: null, politicalScore: null },
    recentRangePct: 3,
    ...fields,
  };
}

function user(
  id: string,
  params: Record<string, unknown> = {},
  fields: Partial<EngineUser> = {},
): EngineUser {
  return {
    id,
    rules: [
      tradeParametersSchema.parse({
        ...SEED_RULES,
        autoTradingEnabled: true,
        tradeAmount: 40,
        ...params,
      }),
    ],
    mode: 'paper',
    balanceCents: 100_000,
    lossTodayCents: 0,
    ...fields,
  };
}

function tick(fields: Partial<TickInput>): ReturnType<typeof engineTick> {
  return engineTick({
    now: NOW,
    markets: [market('BTC/USD')],
    users: [user('u1')],
    positions: [],
    safety: DEFAULT_SAFETY,
    isMarketOpen: () => true,
    sentiment: 'judge',
    minConfidence: 0.7,
    ...fields,
  });
}

function position(
  id: string,
  userId: string,
  symbol: string,
  fields: Partial<OpenPosition> = {},
): OpenPosition {
  return {
    id,
    userId,
    symbol,
    quantity: 1,
    entryPrice: 100,
    takeProfitPrice: 103,
    stopLossPrice: 98,
    openedAt: NOW - 300_000,
    entryBarTime: NOW - 600_000,
    mode: 'paper',
    ...fields,
  };
}

describe('engineTick entries', () => {
  it('opens a position on a lowest point for a user whose rules all pass', () => {
    const { intents, skips } = tick({});
    expect(skips).toEqual([]);
    expect(intents).toEqual([
      expect.objectContaining({
        kind: 'open',
        userId: 'u1',
        symbol: 'BTC/USD',
        amountCents: 4000,
        reason: 'lowest-point',
        requiresApproval: false,
      }),
    ]);
  });

  it.each([
    ['auto-trading-off', user('u1', { autoTradingEnabled: false })],
    ['outside-trading-hours', user('u1', { tradingHoursStart: '15:00', tradingHoursEnd: '20:00' })],
    ['sentiment-below-minimum', user('u1', { minSentimentScore: 50 })],
    ['max-concurrent', user('u1', { maxConcurrentTrades: 1 })],
    ['insufficient-balance', user('u1', {}, { balanceCents: 3_999 })],
    ['over-small-money-cap', user('u1', { tradeAmount: 60 }, { mode: 'live' })],
    ['daily-loss-limit', user('u1', {}, { mode: 'live', lossTodayCents: 10_000 })],
  ])('skips with %s', (reason, u) => {
    const positions = reason === 'max-concurrent' ? [position('p1', 'u1', 'ETH/USD')] : [];
    const { intents, skips } = tick({ users: [u], positions });
    expect(intents).toEqual([]);
    expect(skips).toEqual([{ symbol: 'BTC/USD', reason, userIds: ['u1'] }]);
  });

  it('resolves one rule per user and symbol: an ALL row plus a symbol row opens once, by the symbol row', () => {
    const both: EngineUser = {
      ...user('u1'),
      rules: [
        tradeParametersSchema.parse({ ...SEED_RULES, autoTradingEnabled: true, tradeAmount: 40 }),
        tradeParametersSchema.parse({
          ...SEED_RULES,
          autoTradingEnabled: true,
          tradeAmount: 25,
          symbol: 'BTC/USD',
          takeProfitPct: 7,
        }),
      ],
    };
    const { intents } = tick({ users: [both], markets: [market('BTC/USD'), market('ETH/USD')] });
    expect(
      intents.map((i) => [
        i.symbol,
        i.kind === 'open' && i.amountCents,
        i.kind === 'open' && i.takeProfitPct,
      ]),
    ).toEqual([
      ['BTC/USD', 2500, 7],
      ['ETH/USD', 4000, 3],
    ]);
  });

  it('lets a symbol row that turns auto-trading off win over the ALL row', () => {
    const off: EngineUser = {
      ...user('u1'),
      rules: [
        tradeParametersSchema.parse({ ...SEED_RULES, autoTradingEnabled: true, tradeAmount: 40 }),
        tradeParametersSchema.parse({ autoTradingEnabled: false, symbol: 'BTC/USD' }),
      ],
    };
    expect(tick({ users: [off] }).skips).toEqual([
      { symbol: 'BTC/USD', reason: 'auto-trading-off', userIds: ['u1'] },
    ]);
  });

  it('counts slots per user on the account they trade from, not on their other mode', () => {
    const live = user('u1', { maxConcurrentTrades: 1, tradeAmount: 20 }, { mode: 'live' });
    const paperHeld = [position('p1', 'u1', 'ETH/USD', { mode: 'paper' })];
    expect(tick({ users: [live], positions: paperHeld }).intents).toHaveLength(1);
    const liveHeld = [position('p1', 'u1', 'ETH/USD', { mode: 'live' })];
    expect(tick({ users: [live], positions: liveHeld }).skips[0]?.reason).toBe('max-concurrent');
  });

  it('never trades a pair quoted in another currency live: caps are in USD', () => {
    const live = user('u1', { tradeAmount: 20 }, { mode: 'live' });
    const { intents, skips } = tick({ users: [live], markets: [market('ETH/BTC')] });
    expect(intents).toEqual([]);
    expect(skips).toEqual([{ symbol: 'ETH/BTC', reason: 'non-usd-quote', userIds: ['u1'] }]);
    expect(tick({ users: [user('u2')], markets: [market('ETH/BTC')] }).intents).toHaveLength(1);
  });

  it('treats unknown sentiment as failed when judging, and drops the rule when ignoring', () => {
    const unknown = market('BTC/USD', { sentiment: null });
    expect(tick({ markets: [unknown] }).skips[0]?.reason).toBe('sentiment-unknown');
    expect(tick({ markets: [unknown], sentiment: 'ignore' }).intents).toHaveLength(1);
  });

  it('refuses a user who requires political positivity when a negative political post is in the window', () => {
    const m = market('BTC/USD', { sentiment: { score: 40, politicalMin: -30, politicalScore: -30 } });
    const picky = user('u1', { requirePoliticalPositive: true });
    expect(tick({ markets: [m], users: [picky] }).skips[0]?.reason).toBe('negative-political-post');
    expect(tick({ markets: [m], users: [user('u2')] }).intents).toHaveLength(1);
  });

  it('distinguishes lowest-point-only users from confidence users', () => {
    const m = market('BTC/USD', {
      detection: detection('BTC/USD', { buySignal: false, isLowestPoint: false, confidence: 0.7 }),
    });
    const result = tick({ markets: [m], users: [user('strict'), user('loose', { buyAtLowestOnly: false })] });
    expect(result.skips).toEqual([{ symbol: 'BTC/USD', reason: 'not-lowest-point', userIds: ['strict'] }]);
    expect(result.intents).toEqual([expect.objectContaining({ userId: 'loose', reason: 'confidence' })]);
  });

  it('blocks a whole market on the kill switch, the circuit breaker, or a closed stock market', () => {
    expect(tick({ safety: { ...DEFAULT_SAFETY, killSwitch: true } }).blocked).toEqual([
      { symbol: 'BTC/USD', reason: 'kill-switch' },
    ]);
    expect(tick({ markets: [market('BTC/USD', { recentRangePct: 25 })] }).blocked[0]?.reason).toBe(
      'circuit-breaker',
    );
    const stock = market('AAPL', {
      assetType: 'stock',
      detection: detection('AAPL', { assetType: 'stock' }),
    });
    const closed = tick({
      markets: [stock],
      users: [user('u1', { assetType: 'stock' })],
      isMarketOpen: () => false,
    });
    expect(closed.blocked).toEqual([{ symbol: 'AAPL', reason: 'market-closed' }]);
    expect(closed.intents).toEqual([]);
  });

  it('matches users by asset type and symbol, and asks approval for live orders', () => {
    const users = [
      user('all'),
      user('eth-only', { symbol: 'ETH/USD' }),
      user('btc-only', { symbol: 'BTC/USD' }),
      user('stocks', { assetType: 'stock' }),
      user('live', {}, { mode: 'live' }),
    ];
    const opened = tick({ users }).intents.map((i) =>
      i.kind === 'open' ? [i.userId, i.requiresApproval] : null,
    );
    expect(opened).toEqual([
      ['btc-only', false],
      ['all', false],
      ['live', true],
    ]);
  });

  it('spends balance and slots across symbols within one tick, strongest signal first', () => {
    const markets = [
      market('ETH/USD', { detection: detection('ETH/USD', { confidence: 0.7 }) }),
      market('BTC/USD', { detection: detection('BTC/USD', { confidence: 0.85 }) }),
    ];
    const result = tick({ markets, users: [user('u1', {}, { balanceCents: 5_000 })] });
    expect(result.intents).toEqual([expect.objectContaining({ symbol: 'BTC/USD' })]);
    expect(result.skips).toEqual([{ symbol: 'ETH/USD', reason: 'insufficient-balance', userIds: ['u1'] }]);
  });

  it('does not open a second position in a symbol the user already holds', () => {
    const result = tick({
      positions: [position('p1', 'u1', 'BTC/USD', { takeProfitPrice: 200, stopLossPrice: 50 })],
    });
    expect(result.skips).toEqual([{ symbol: 'BTC/USD', reason: 'already-open', userIds: ['u1'] }]);
  });
});

describe('exits', () => {
  it('closes at take-profit or stop-loss, stop-loss first when a bar touches both', () => {
    const both = market('BTC/USD', {
      bar: { openTime: NOW - 300_000, open: 100, high: 104, low: 97, close: 100, volume: 1000 },
      detection: null,
    });
    const result = tick({ markets: [both], positions: [position('p1', 'u1', 'BTC/USD')] });
    expect(result.intents).toEqual([
      { kind: 'close', positionId: 'p1', userId: 'u1', symbol: 'BTC/USD', reason: 'stop-loss', price: 98 },
    ]);
    expect(exitFor(LEVELS, { open: 100, high: 103.5, low: 99, close: 100 })).toEqual({
      reason: 'take-profit',
      price: 103,
    });
    expect(exitFor(LEVELS, { open: 100, high: 102, low: 99, close: 100 })).toBeNull();
  });

  it('never judges the entry bar or an older one, only bars after it', () => {
    const touched = (openTime: number) =>
      market('BTC/USD', {
        bar: { openTime, open: 100, high: 104, low: 97, close: 100, volume: 1000 },
        detection: null,
      });
    const entered = position('p1', 'u1', 'BTC/USD', { entryBarTime: NOW - 300_000 });
    for (const openTime of [NOW - 600_000, NOW - 300_000]) {
      expect(tick({ markets: [touched(openTime)], positions: [entered] }).intents).toEqual([]);
    }
    expect(tick({ markets: [touched(NOW)], positions: [entered] }).intents).toEqual([
      expect.objectContaining({ kind: 'close', positionId: 'p1', reason: 'stop-loss' }),
    ]);
  });

  it('fills at the open when a bar gaps through a level', () => {
    expect(exitFor(LEVELS, { open: 96, high: 97, low: 95, close: 96 })).toEqual({
      reason: 'stop-loss',
      price: 96,
    });
    expect(exitFor(LEVELS, { open: 105, high: 106, low: 104, close: 105 })).toEqual({
      reason: 'take-profit',
      price: 105,
    });
  });
});

describe('withinHours', () => {
  it('includes both ends and wraps past midnight', () => {
    expect(withinHours(9 * 60, 9 * 60, 17 * 60)).toBe(true);
    expect(withinHours(17 * 60, 9 * 60, 17 * 60)).toBe(true);
    expect(withinHours(17 * 60 + 1, 9 * 60, 17 * 60)).toBe(false);
    expect(withinHours(23 * 60, 22 * 60, 2 * 60)).toBe(true);
    expect(withinHours(60, 22 * 60, 2 * 60)).toBe(true);
    expect(withinHours(12 * 60, 22 * 60, 2 * 60)).toBe(false);
  });
});

describe('scale', () => {
  // Speed is measured by `npm run bench`; this checks the decisions, with room for a busy machine.
  it('decides every pair of 10,000 users × 50 signalling symbols', () => {
    const symbols = Array.from({ length: 50 }, (_, i) => `S${i}/USD`);
    const markets = symbols.map((s, i) =>
      market(s, { detection: detection(s, { confidence: 0.7 + (i % 3) / 100 }) }),
    );
    const users = Array.from({ length: 10_000 }, (_, i) =>
      user(`u${i}`, { maxConcurrentTrades: 1 + (i % 5), minSentimentScore: (i % 7) * 10 }),
    );
    const result = tick({ markets, users });
    const skipped = result.skips.reduce((n, g) => n + g.userIds.length, 0);
    expect(result.intents.length + skipped).toBe(500_000);
    expect(skipReasonOf(result, 'u0', 'S49/USD')).toBe('max-concurrent');
  }, 60_000);
});

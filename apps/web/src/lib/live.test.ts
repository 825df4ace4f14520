import { describe, expect, it } from 'vitest';
import { invalidationsFor, RECONNECT_INVALIDATIONS, unwrapTracked } from './live';

describe('invalidationsFor', () => {
  it("refreshes only the bar's symbol charts, latest prices and open positions on a bar", () => {
    expect(invalidationsFor({ type: 'bar', symbol: 'ETH/BTC' })).toEqual([
      { target: 'markets.bars', symbol: 'ETH/BTC' },
      { target: 'markets.latest' },
      { target: 'trades.active' },
    ]);
  });

  it('refreshes lowest points on a detection', () => {
    expect(invalidationsFor({ type: 'detection' })).toEqual([{ target: 'markets.lowestPoints' }]);
  });

  it('refreshes positions, history and accounts when a trade opens or closes', () => {
    for (const type of ['trade.opened', 'trade.closed'] as const) {
      expect(invalidationsFor({ type }).map((i) => i.target)).toEqual([
        'trades.active',
        'trades.history',
        'accounts.summary',
      ]);
    }
  });

  it('refreshes the approval queue and the trades on an approval', () => {
    expect(invalidationsFor({ type: 'approval' }).map((i) => i.target)).toEqual([
      'admin.approvals',
      'admin.notifications',
      'trades.active',
      'trades.history',
      'accounts.summary',
    ]);
  });

  it('refreshes the admin notification badge on a notification', () => {
    expect(invalidationsFor({ type: 'notification' })).toEqual([{ target: 'admin.notifications' }]);
  });

  it('refreshes the safety panel when the kill switch flips', () => {
    expect(invalidationsFor({ type: 'safety' })).toEqual([{ target: 'admin.safety' }]);
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
        'trades.active',
        'trades.history',
        'accounts.summary',
      ]),
    );
  });
});

describe('unwrapTracked', () => {
  it('takes the data out of a tracked envelope and passes a plain event through', () => {
    const event = { type: 'heartbeat', at: 1 };
    expect(unwrapTracked({ id: '1-0', data: event })).toBe(event);
    expect(unwrapTracked(event)).toBe(event);
  });
});

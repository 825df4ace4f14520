import { describe, expect, it } from 'vitest';
import { centsToDecimal, unrealizedPnl } from './pnl';

describe('unrealizedPnl', () => {
  it('is the difference of cost and value, each in whole cents', () => {
    // 0.5 BTC bought at 40,000.10 (cost $20,000.05), now 41,000 (worth $20,500.00).
    expect(unrealizedPnl('40000.10', '0.5', 41_000)).toEqual({
      cents: 49_995,
      pct: (49_995 / 2_000_005) * 100,
    });
  });

  it('goes negative below the entry', () => {
    const pnl = unrealizedPnl('100', '3', 90);
    expect(pnl?.cents).toBe(-3000);
    expect(pnl?.pct).toBeCloseTo(-10, 10);
  });

  it('avoids float drift on amounts that do not add up in binary', () => {
    // 0.1 + 0.2 style: 3 × 0.1 = 0.30000000000000004 as floats.
    expect(unrealizedPnl('0.1', '3', 0.2)?.cents).toBe(30);
  });

  it('is null when the price or a field is missing or not a number', () => {
    expect(unrealizedPnl('100', '1', undefined)).toBeNull();
    expect(unrealizedPnl(null, '1', 100)).toBeNull();
    expect(unrealizedPnl('abc', '1', 100)).toBeNull();
  });
});

describe('centsToDecimal', () => {
  it('writes cents as an exact decimal string', () => {
    expect(centsToDecimal(49_995)).toBe('499.95');
    expect(centsToDecimal(-3000)).toBe('-30.00');
    expect(centsToDecimal(5)).toBe('0.05');
    expect(centsToDecimal(-5)).toBe('-0.05');
    expect(centsToDecimal(0)).toBe('0.00');
  });
});

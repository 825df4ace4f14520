import { describe, expect, it } from 'vitest';
import { formatCents, formatHundredths, parseCents, parseHundredths, roundCents } from './money';

describe('parseCents', () => {
  it('reads decimal strings as cents digit by digit, with no float in between', () => {
    expect(parseCents('1234.56')).toBe(123_456);
    expect(parseCents('0.1')).toBe(10);
    expect(parseCents('-0.05')).toBe(-5);
    expect(parseCents('12')).toBe(1_200);
    expect(parseCents('-0.00')).toBe(0);
    // numeric(20, 2) near its top: 9,007,199,254,740.99 is a safe integer of cents.
    expect(parseCents('90071992547409.91')).toBe(9_007_199_254_740_991);
    expect(parseCents('19.9900')).toBe(1_999);
  });

  it('round-trips formatCents', () => {
    for (const c of [0, 1, -1, 99, 100, 123_456, -987_654_321]) expect(parseCents(formatCents(c))).toBe(c);
  });

  it.each(['1.234', 'abc', '', '1e3', '1.2.3', '90071992547409.93'])('refuses %j', (text) => {
    expect(() => parseCents(text)).toThrow();
  });
});

describe('hundredths (percentages, multiples, hours)', () => {
  it('writes fixed two decimals and reads back the same number', () => {
    expect(formatHundredths(2.5)).toBe('2.50');
    expect(formatHundredths(0.29)).toBe('0.29');
    expect(formatHundredths(-1.5)).toBe('-1.50');
    expect(formatHundredths(-0.001)).toBe('0.00');
    for (const v of [0, 0.01, 0.29, 1.15, 2.55, 99.99, 1234.56, -3.07])
      expect(parseHundredths(formatHundredths(v))).toBe(v);
  });

  it('rounds a computed value half away from zero, as a numeric(p, 2) column does', () => {
    expect(formatHundredths(1.005)).toBe('1.01');
    expect(formatHundredths(23.456)).toBe('23.46');
    expect(formatHundredths(-23.455)).toBe('-23.46');
  });

  it('refuses what is not a finite number', () => {
    expect(() => formatHundredths(Number.NaN)).toThrow(/finite/);
    expect(() => parseHundredths('2.555')).toThrow();
  });
});

describe('roundCents', () => {
  it('rounds a configured limit to the nearest cent', () => {
    expect(roundCents(50)).toBe(5_000);
    expect(roundCents(0.1 + 0.2)).toBe(30);
    expect(roundCents(50.005)).toBe(5_001);
  });
});

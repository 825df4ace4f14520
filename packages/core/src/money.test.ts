import { describe, expect, it } from 'vitest';
import { formatCents, parseCents } from './money';

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

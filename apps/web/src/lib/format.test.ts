import { quoteCurrency } from '@tradehits/core/symbols';
import { describe, expect, it } from 'vitest';
import {
  formatMoney,
  formatPct,
  formatPrice,
  formatQuantity,
  formatShare,
  formatUsd,
  formatUtc,
  signClass,
} from './format';

describe('format', () => {
  it('formats decimal-string money as dollars, signed when asked', () => {
    expect(formatUsd('1234.5')).toBe('$1,234.50');
    expect(formatUsd('-12.34', { signed: true })).toBe('-$12.34');
    expect(formatUsd('12.34', { signed: true })).toBe('+$12.34');
    expect(formatUsd('0', { signed: true })).toBe('$0.00');
    expect(formatUsd(null)).toBe('—');
    expect(formatUsd('not money')).toBe('—');
  });

  it('fits price precision to magnitude', () => {
    expect(formatPrice(43_210.123)).toBe('43,210.12');
    expect(formatPrice('1.23456')).toBe('1.2346');
    expect(formatPrice(0.0012345678)).toBe('0.00123457');
    expect(formatPrice(0.000012345678)).toBe('0.00001235');
    expect(formatPrice(undefined)).toBe('—');
  });

  it('formats percentages and shares', () => {
    expect(formatPct('2.5', { signed: true })).toBe('+2.50%');
    expect(formatPct(-1.234)).toBe('-1.23%');
    expect(formatShare(0.7)).toBe('70%');
    expect(formatShare(null)).toBe('—');
  });

  it('shows instants in UTC whatever the input form', () => {
    const ms = Date.UTC(2018, 0, 10, 4, 55);
    expect(formatUtc(ms)).toBe('2018-01-10 04:55 UTC');
    expect(formatUtc('2018-01-10T04:55:00.000Z')).toBe('2018-01-10 04:55 UTC');
    expect(formatUtc(new Date(ms))).toBe('2018-01-10 04:55 UTC');
    expect(formatUtc(null)).toBe('—');
    expect(formatUtc('garbage')).toBe('—');
  });

  it('classes values by sign', () => {
    expect(signClass('1.5')).toBe('up');
    expect(signClass(-0.01)).toBe('down');
    expect(signClass('0.00')).toBe('flat');
    expect(signClass(null)).toBe('flat');
  });
});

describe('quoteCurrency and formatMoney', () => {
  it('reads the quote currency from the symbol', () => {
    expect(quoteCurrency('ADA/BTC')).toBe('BTC');
    expect(quoteCurrency('BTC/USD')).toBe('USD');
    expect(quoteCurrency('AAPL')).toBe('USD');
  });

  it('writes BTC amounts in BTC, never with a dollar sign', () => {
    expect(formatMoney('0.01234567', 'BTC')).toBe('0.01234567 BTC');
    expect(formatMoney('-0.62', 'BTC', { signed: true })).toBe('-0.62 BTC');
    expect(formatMoney('1.5', 'BTC', { signed: true })).toBe('+1.50 BTC');
    expect(formatMoney('1.5', 'BTC')).not.toContain('$');
    expect(formatMoney(null, 'BTC')).toBe('—');
  });

  it('keeps dollars as dollars', () => {
    expect(formatMoney('1234.5', 'USD')).toBe('$1,234.50');
    expect(formatMoney('-0.1', 'USD', { signed: true })).toBe('-$0.10');
  });
});

describe('formatQuantity', () => {
  it('rounds to the venue precision of 8 decimals and drops trailing zeros', () => {
    expect(formatQuantity('4857602.3030475400')).toBe('4,857,602.30304754');
    expect(formatQuantity('0.1234567891')).toBe('0.12345679');
    expect(formatQuantity('2.5000')).toBe('2.5');
  });
});

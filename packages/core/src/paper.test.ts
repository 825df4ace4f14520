import { describe, expect, it } from 'vitest';
import { formatCents, toCents } from './money';
import {
  DEFAULT_FILL_COSTS,
  ledgerReconciles,
  openLedger,
  type PaperLedger,
  type PaperLot,
  paperBuy,
  paperSell,
} from './paper';

describe('paper fills', () => {
  it('buys above and sells below the price, with fees rounded up to the cent', () => {
    const ledger = openLedger(100_000);
    const bought = paperBuy(ledger, 10_000, 50, DEFAULT_FILL_COSTS);
    if (!bought.ok) throw new Error(bought.reason);
    expect(bought.lot.entryPrice).toBeCloseTo(50.025, 12);
    expect(bought.lot.quantity).toBe(1.99900049);
    expect(bought.lot.costCents).toBe(10_000);
    expect(bought.lot.entryFeeCents).toBe(26);
    expect(bought.ledger.balanceCents).toBe(100_000 - 10_026);
    const sold = paperSell(bought.ledger, bought.lot, 55, DEFAULT_FILL_COSTS);
    if (!sold.ok) throw new Error(sold.reason);
    expect(sold.exitPrice).toBeCloseTo(54.9725, 12);
    expect(sold.proceedsCents).toBe(10_989); // floor(1.99900049 × 54.9725 × 100 = 10,989.005…)
    expect(sold.exitFeeCents).toBe(29);
    expect(sold.pnlCents).toBe(10_989 - 10_000 - 26 - 29);
    expect(sold.ledger.balanceCents).toBe(100_000 + sold.pnlCents);
    expect(ledgerReconciles(sold.ledger)).toBe(true);
  });

  it('fills a BTC-quoted pair on a USD ledger at a BTC/USD rate: prices in BTC, money in USD', () => {
    const ledger = openLedger(1_000_000); // 10,000.00 USD
    // 100.00 USD of ETH/BTC at 0.1 BTC with BTC at 10,000 USD: 1,000.50 USD an ETH after slippage.
    const bought = paperBuy(ledger, 10_000, 0.1, DEFAULT_FILL_COSTS, 10_000);
    if (!bought.ok) throw new Error(bought.reason);
    expect(bought.lot.entryPrice).toBeCloseTo(0.10005, 12);
    expect(bought.lot.quantity).toBe(0.09995002);
    expect(bought.lot.costCents).toBe(10_000);
    expect(bought.lot.entryFeeCents).toBe(26);
    // Sold at the same ETH/BTC price after BTC rose 10 %: the USD ledger gains what BTC gained.
    const sold = paperSell(bought.ledger, bought.lot, 0.1, DEFAULT_FILL_COSTS, 11_000);
    if (!sold.ok) throw new Error(sold.reason);
    expect(sold.exitPrice).toBeCloseTo(0.09995, 12);
    expect(sold.proceedsCents).toBe(10_989); // floor(0.09995002 × 0.09995 × 11,000 × 100 = 10,989.006…)
    expect(ledgerReconciles(sold.ledger)).toBe(true);
    expect(paperBuy(ledger, 10_000, 0.1, DEFAULT_FILL_COSTS, Number.NaN)).toEqual({
      ok: false,
      reason: 'bad-price',
    });
  });

  it('refuses a fill that would take the balance below zero, and leaves the ledger as it was', () => {
    const ledger = openLedger(10_000);
    expect(paperBuy(ledger, 10_000, 50, DEFAULT_FILL_COSTS)).toEqual({
      ok: false,
      reason: 'insufficient-balance',
    });
    expect(ledger).toEqual(openLedger(10_000));
    expect(paperBuy(ledger, 1, 1e9, DEFAULT_FILL_COSTS)).toEqual({ ok: false, reason: 'amount-too-small' });
    expect(paperBuy(ledger, 100, Number.NaN, DEFAULT_FILL_COSTS)).toEqual({ ok: false, reason: 'bad-price' });
    expect(() => openLedger(10.5)).toThrow(/whole number of cents/);
  });

  it('reconciles exactly over thousands of random trades: start + realised − fees − open cost = balance', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let ledger: PaperLedger = openLedger(1_000_000);
    const open: PaperLot[] = [];
    let refused = 0;
    let netPnl = 0;
    for (let i = 0; i < 5_000; i++) {
      const price = 10 ** (random() * 8 - 4); // 0.0001 … 10,000
      if (open.length > 0 && random() < 0.5) {
        const lot = open.splice(Math.floor(random() * open.length), 1)[0]!;
        const sold = paperSell(ledger, lot, lot.entryPrice * (0.8 + random() * 0.4), DEFAULT_FILL_COSTS);
        if (!sold.ok) throw new Error(sold.reason);
        ledger = sold.ledger;
        netPnl += sold.pnlCents;
      } else {
        const bought = paperBuy(ledger, 100 + Math.floor(random() * 200_000), price, DEFAULT_FILL_COSTS);
        if (!bought.ok) {
          refused++;
          continue;
        }
        ledger = bought.ledger;
        open.push(bought.lot);
      }
      expect(ledger.balanceCents).toBeGreaterThanOrEqual(0);
      expect(Number.isSafeInteger(ledger.balanceCents)).toBe(true);
      expect(ledgerReconciles(ledger)).toBe(true);
    }
    for (const lot of open) {
      const sold = paperSell(ledger, lot, lot.entryPrice, DEFAULT_FILL_COSTS);
      if (!sold.ok) throw new Error(sold.reason);
      ledger = sold.ledger;
      netPnl += sold.pnlCents;
    }
    expect(refused).toBeGreaterThan(0);
    expect(ledger.openCostCents).toBe(0);
    expect(ledger.balanceCents).toBe(ledger.startCents + ledger.realisedCents - ledger.feesCents);
    expect(ledger.balanceCents).toBe(ledger.startCents + netPnl);
  });
});

describe('money', () => {
  it('converts to and from cents without float drift', () => {
    expect(toCents(0.1 + 0.2)).toBe(30);
    expect(toCents(1234.56)).toBe(123_456);
    expect(() => toCents(1.005001)).toThrow(/2 decimals/);
    expect(() => toCents(Number.POSITIVE_INFINITY)).toThrow(/finite/);
    expect(formatCents(123_456)).toBe('1234.56');
    expect(formatCents(-5)).toBe('-0.05');
  });
});

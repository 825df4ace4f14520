import { parseCents } from '@tradehits/core/money';
import { z } from 'zod';

/** Input pieces several routers share, with the messages a trader reads. */

export const assetTypeInput = z.enum(['crypto', 'stock'], { error: 'Asset type is crypto or stock' });
export const timeframeInput = z.enum(['5m', '1h', '1d'], { error: 'Timeframe is 5m, 1h or 1d' });
export const symbolInput = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9][A-Z0-9.]{0,14}(\/[A-Z0-9]{2,10})?$/, 'Not a symbol (e.g. BTC/USD or AAPL)');
/** A UTC instant in milliseconds since the epoch. */
export const instantInput = z.number().int('An instant is whole milliseconds').min(0).max(8.64e15);
export const idInput = z.uuid('Not a valid id');
/**
 * A positive amount with at most two decimals, as a string or number, parsed into minor units (cents)
 * digit by digit.
 */
export const usdInput = z
  .union([z.string(), z.number()])
  .transform((v) => String(v).trim())
  .refine(
    (s) => /^\d{1,10}(\.\d{1,2})?$/.test(s) && Number(s) > 0,
    'Enter an amount in dollars greater than 0, at most 2 decimals',
  )
  .transform((s) => parseCents(s));

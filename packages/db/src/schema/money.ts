import { formatCents, formatHundredths, parseCents, parseHundredths } from '@tradehits/core/money';
import { type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import { customType } from 'drizzle-orm/pg-core';

/**
 * A `numeric(20, 2)` column read and written as integer minor units: the driver's decimal string is
 * parsed digit by digit (never through a float), and `core/money` does the scaling.
 */
export const minorUnits = customType<{ data: number; driverData: string }>({
  dataType: () => 'numeric(20, 2)',
  toDriver: (cents) => formatCents(cents),
  fromDriver: (text) => parseCents(String(text)),
});

/**
 * A `numeric(6, 2)` column (a percentage, an ATR multiple, hours) read and written as a number with two
 * decimals: written as a fixed two-decimal string, read from the driver's string digit by digit. Values
 * a user sets are validated to two decimals before they get here; computed ones (a sentiment score)
 * are rounded to the hundredth, as the column would.
 */
export const hundredths = customType<{ data: number; driverData: string }>({
  dataType: () => 'numeric(6, 2)',
  toDriver: (value) => formatHundredths(value),
  fromDriver: (text) => parseHundredths(String(text)),
});

/** Minor units as a `numeric` SQL parameter, for arithmetic done in SQL (`balance - amount`). */
export function moneyParam(cents: number): SQL {
  return sql`${formatCents(cents)}::numeric`;
}

/** The `'0'` default the money columns were created with (a numeric literal would be a schema change). */
export const ZERO_MONEY = sql`'0'`;

/** The sum of a money expression over the rows, in minor units (0 for none), decoded like a money column. */
export function sumMinorUnits(expr: SQLWrapper): SQL<number> {
  return sql`coalesce(sum(${expr}), 0)`.mapWith((text) => parseCents(String(text)));
}

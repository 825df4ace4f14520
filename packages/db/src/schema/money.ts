import { formatCents, parseCents } from '@tradehits/core/money';
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

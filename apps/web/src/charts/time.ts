import type { Timeframe } from '@tradehits/core/types';

const pad = (n: number): string => String(n).padStart(2, '0');

/** A UTC bar time as an axis label: the date for daily bars, date and time below a day. */
export function formatBarTime(openTime: number, timeframe: Timeframe): string {
  const d = new Date(openTime);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  if (timeframe === '1d') return date;
  return `${date} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

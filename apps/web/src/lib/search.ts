import { TIMEFRAME_MS, type Timeframe } from '@tradehits/core/types';
import { z } from 'zod';

/** How far back the dashboard charts reach. */
export const RANGES = ['1w', '1m', '3m', '1y'] as const;
export type Range = (typeof RANGES)[number];

const DAY = 24 * 60 * 60_000;
/** Length of each range in milliseconds. */
export const RANGE_MS: Record<Range, number> = {
  '1w': 7 * DAY,
  '1m': 30 * DAY,
  '3m': 90 * DAY,
  '1y': 365 * DAY,
};

/** Market tabs: the URL says `crypto` or `stock`. */
export const TABS = ['crypto', 'stock'] as const;
export type Tab = (typeof TABS)[number];

// Each field falls back on its own, so one bad parameter does not throw away the others.
const dashboardSearchSchema = z.object({
  tab: z.enum(TABS).catch('crypto'),
  symbol: z
    .string()
    .trim()
    .min(1)
    .max(32)
    .regex(/^[A-Za-z0-9./:_-]+$/)
    .optional()
    .catch(undefined),
  range: z.enum(RANGES).catch('1m'),
});

/** The dashboard's URL state: tab, symbol (absent means the tab's first symbol) and range. */
export type DashboardSearch = z.infer<typeof dashboardSearchSchema>;

/** What a link to the dashboard may set; anything left out takes its default. */
export type DashboardSearchInput = Partial<DashboardSearch>;

/** Validates the dashboard's search params; unknown or malformed values fall back to defaults. */
export function parseDashboardSearch(raw: Record<string, unknown>): DashboardSearch {
  return dashboardSearchSchema.parse(raw);
}

/** The most bars each chart asks for: a year of days, about three months of hours, a week of 5m bars. */
export const MAX_BARS: Record<Timeframe, number> = { '1d': 400, '1h': 2000, '5m': 2000 };

/**
 * How many of the newest bars one chart asks for: the range's length in bars, at most `MAX_BARS`.
 * The range counts back from the newest stored bar rather than the browser's clock, so a replayed
 * or lagging market still fills the charts, and the query key never changes with the time of day.
 */
export function barsLimit(range: Range, timeframe: Timeframe): number {
  return Math.min(MAX_BARS[timeframe], Math.ceil(RANGE_MS[range] / TIMEFRAME_MS[timeframe]));
}

import { marketDays } from '@tradehits/core/calendar';
import { upsertCalendarDisagreements } from '@tradehits/db';
import { compareCalendars, fetchAlpacaCalendar, fetchAlpacaClock } from '@tradehits/exchange';
import type { Services } from '@tradehits/trading';
import type { Processor } from '../runner';

const DAY_MS = 86_400_000;
/** How far ahead the cross-check looks: holidays are announced well in advance. */
const HORIZON_DAYS = 90;

const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

/**
 * Compares our NYSE calendar with Alpaca's calendar and clock for the coming months and records every
 * disagreement for the admins. Our calendar stays the source of truth; this only raises a flag.
 * Keeps our market_calendar table filled for the same range.
 */
export async function runCalendarCrosscheck(services: Services, now: Date) {
  const from = iso(now.getTime());
  const to = iso(now.getTime() + HORIZON_DAYS * DAY_MS);
  const ours = marketDays(from, to);
  await services.analytics.upsertMarketCalendar(ours);
  const { config } = services;
  if (!config.ALPACA_KEY_ID || !config.ALPACA_SECRET_KEY) {
    return { skipped: 'Alpaca credentials are not configured', days: ours.length };
  }
  const theirs = await fetchAlpacaCalendar(config, from, to);
  const disagreements = compareCalendars(ours, theirs);
  const clock = await fetchAlpacaClock(config);
  const ourNext = ours.find((d) => d.open > clock.timestamp);
  if (ourNext && !clock.isOpen && ourNext.open !== clock.nextOpen) {
    disagreements.push({ date: ourNext.date, kind: 'open', ours: ourNext, theirs: null });
  }
  const describe = (d: (typeof disagreements)[number]['ours']) =>
    d
      ? `${new Date(d.open).toISOString()}–${new Date(d.close).toISOString()}${d.earlyClose ? ' (early close)' : ''}`
      : null;
  await upsertCalendarDisagreements(
    services.db,
    disagreements.map((d) => ({
      venue: 'alpaca',
      day: d.date,
      field: d.kind,
      ours: describe(d.ours),
      theirs: describe(d.theirs),
    })),
  );
  return { days: ours.length, disagreements: disagreements.length };
}

export const calendarCrosscheckProcessor: Processor<'calendar.crosscheck'> = (_p, { services, now }) =>
  runCalendarCrosscheck(services, now);

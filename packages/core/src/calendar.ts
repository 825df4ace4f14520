import type { MarketDay } from './types';

/**
 * NYSE regular sessions, 2025–2027: 09:30–16:00 New York time, 13:00 on early-close days. Holidays and
 * early closes are the exchange's published lists, kept as data (a rule engine would still need the
 * one-off closures, such as the 2025-01-09 day of mourning). New York wall times become UTC through Intl
 * with the America/New_York zone, so the machine's own time zone never matters. Outside the covered years
 * every function throws rather than guess: extend the tables when NYSE publishes the next year.
 */

const FIRST_YEAR = 2025;
const LAST_YEAR = 2027;

/** Full-day closures, by New York date. */
const HOLIDAYS: Record<string, string> = {
  '2025-01-01': "New Year's Day",
  '2025-01-09': 'National Day of Mourning for President Carter',
  '2025-01-20': 'Martin Luther King, Jr. Day',
  '2025-02-17': "Washington's Birthday",
  '2025-04-18': 'Good Friday',
  '2025-05-26': 'Memorial Day',
  '2025-06-19': 'Juneteenth National Independence Day',
  '2025-07-04': 'Independence Day',
  '2025-09-01': 'Labor Day',
  '2025-11-27': 'Thanksgiving Day',
  '2025-12-25': 'Christmas Day',
  '2026-01-01': "New Year's Day",
  '2026-01-19': 'Martin Luther King, Jr. Day',
  '2026-02-16': "Washington's Birthday",
  '2026-04-03': 'Good Friday',
  '2026-05-25': 'Memorial Day',
  '2026-06-19': 'Juneteenth National Independence Day',
  '2026-07-03': 'Independence Day (observed)',
  '2026-09-07': 'Labor Day',
  '2026-11-26': 'Thanksgiving Day',
  '2026-12-25': 'Christmas Day',
  '2027-01-01': "New Year's Day",
  '2027-01-18': 'Martin Luther King, Jr. Day',
  '2027-02-15': "Washington's Birthday",
  '2027-03-26': 'Good Friday',
  '2027-05-31': 'Memorial Day',
  '2027-06-18': 'Juneteenth National Independence Day (observed)',
  '2027-07-05': 'Independence Day (observed)',
  '2027-09-06': 'Labor Day',
  '2027-11-25': 'Thanksgiving Day',
  '2027-12-24': 'Christmas Day (observed)',
};
// New Year's Day 2028 falls on a Saturday and is not observed on Friday 2027-12-31 (NYSE Rule 7.2: not at
// the end of a yearly accounting period).

/** 13:00 closes: the day before Independence Day (when it is a weekday session), the day after Thanksgiving, Christmas Eve. */
const EARLY_CLOSES = new Set([
  '2025-07-03',
  '2025-11-28',
  '2025-12-24',
  '2026-11-27',
  '2026-12-24',
  '2027-11-26',
]);

const OPEN = { hour: 9, minute: 30 };
const CLOSE = { hour: 16, minute: 0 };
const EARLY_CLOSE = { hour: 13, minute: 0 };
const DAY_MS = 86_400_000;

/** Why the market is closed at an instant. */
export type ClosedReason = 'weekend' | `holiday: ${string}` | 'before open' | 'after close';

/** The market at one instant. `earlyClose` is whether the current (or, when closed, the next) session closes at 13:00. */
export interface MarketStatus {
  isOpen: boolean;
  nextOpen: number;
  nextClose: number;
  earlyClose: boolean;
  reason?: ClosedReason;
}

const newYorkParts = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** New York wall clock at an instant, as if it were UTC (so the difference is the zone offset). */
function newYorkWallClock(instant: number): number {
  const p: Record<string, number> = {};
  for (const part of newYorkParts.formatToParts(instant)) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
}

/** UTC instant of a New York wall time on a date (never inside a DST gap: sessions are far from 02:00). */
export function newYorkTime(date: string, time: { hour: number; minute: number }): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, time.hour, time.minute);
  // Start from standard time (UTC−5), then correct by the offset actually in force at that instant.
  const guess = wall + 5 * 3_600_000;
  return guess - (newYorkWallClock(guess) - wall);
}

/** The New York calendar date (YYYY-MM-DD) at an instant. */
export function newYorkDate(instant: number): string {
  return new Date(newYorkWallClock(instant)).toISOString().slice(0, 10);
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function checkDate(date: string): void {
  const parsed = Date.parse(`${date}T00:00:00Z`);
  // The round trip rejects days a month does not have (2025-02-30).
  if (!DATE.test(date) || Number.isNaN(parsed) || new Date(parsed).toISOString().slice(0, 10) !== date) {
    throw new Error(`Invalid date "${date}": expected YYYY-MM-DD`);
  }
  const year = Number(date.slice(0, 4));
  if (year < FIRST_YEAR || year > LAST_YEAR) {
    throw new Error(`The NYSE calendar covers ${FIRST_YEAR}–${LAST_YEAR}; ${date} is outside it`);
  }
}

function isWeekend(date: string): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/** Every session of the covered years, oldest first; built once. */
let sessions: MarketDay[] | null = null;
function allSessions(): MarketDay[] {
  if (sessions) return sessions;
  const out: MarketDay[] = [];
  for (let t = Date.UTC(FIRST_YEAR, 0, 1); t < Date.UTC(LAST_YEAR + 1, 0, 1); t += DAY_MS) {
    const date = new Date(t).toISOString().slice(0, 10);
    if (isWeekend(date) || HOLIDAYS[date]) continue;
    const earlyClose = EARLY_CLOSES.has(date);
    out.push({
      date,
      open: newYorkTime(date, OPEN),
      close: newYorkTime(date, earlyClose ? EARLY_CLOSE : CLOSE),
      earlyClose,
    });
  }
  sessions = out;
  return out;
}

/** Index of the first session whose close is after `instant` (sessions.length when none). */
function firstClosingAfter(instant: number): number {
  const s = allSessions();
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s[mid]!.close <= instant) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function checkInstant(instant: number): void {
  if (!Number.isFinite(instant)) throw new Error(`Invalid instant ${instant}`);
  checkDate(newYorkDate(instant));
}

function beyondCalendar(what: string, instant: number): Error {
  return new Error(
    `No ${what} after ${new Date(instant).toISOString()} within the NYSE calendar (${FIRST_YEAR}–${LAST_YEAR})`,
  );
}

/** The session on a New York date, or null on a weekend or holiday. */
export function marketDay(date: string): MarketDay | null {
  checkDate(date);
  return allSessions().find((s) => s.date === date) ?? null;
}

/** Whether the NYSE holds a regular session on a New York date. */
export function isTradingDay(date: string): boolean {
  return marketDay(date) !== null;
}

/** Sessions from one New York date to another, both inclusive. */
export function marketDays(fromDate: string, toDate: string): MarketDay[] {
  checkDate(fromDate);
  checkDate(toDate);
  return allSessions().filter((s) => s.date >= fromDate && s.date <= toDate);
}

/** Whether a regular session is in progress at an instant (open inclusive, close exclusive). */
export function isMarketOpen(instant: number): boolean {
  checkInstant(instant);
  const s = allSessions()[firstClosingAfter(instant)];
  return s !== undefined && s.open <= instant;
}

/** The first session open strictly after an instant. */
export function nextOpen(instant: number): number {
  checkInstant(instant);
  const s = allSessions();
  const i = firstClosingAfter(instant);
  const session = s[i] && s[i].open > instant ? s[i] : s[i + 1];
  if (!session) throw beyondCalendar('session open', instant);
  return session.open;
}

/** The first session close strictly after an instant (today's close while the market is open). */
export function nextClose(instant: number): number {
  checkInstant(instant);
  const session = allSessions()[firstClosingAfter(instant)];
  if (!session) throw beyondCalendar('session close', instant);
  return session.close;
}

/** Open or closed at an instant, when that changes next, and why it is closed. */
export function marketStatus(instant: number): MarketStatus {
  checkInstant(instant);
  const upcoming = allSessions()[firstClosingAfter(instant)];
  if (!upcoming) throw beyondCalendar('session', instant);
  const isOpen = upcoming.open <= instant;
  const status: MarketStatus = {
    isOpen,
    nextOpen: nextOpen(instant),
    nextClose: upcoming.close,
    earlyClose: upcoming.earlyClose,
  };
  if (isOpen) return status;
  const date = newYorkDate(instant);
  const holiday = HOLIDAYS[date];
  if (isWeekend(date)) status.reason = 'weekend';
  else if (holiday) status.reason = `holiday: ${holiday}`;
  else status.reason = upcoming.date === date ? 'before open' : 'after close';
  return status;
}

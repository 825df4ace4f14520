const DAY = 24 * 60 * 60_000;

/**
 * A date input's value as the UTC instant it starts (or, with `endOfDay`, the last ms of that day);
 * null when the text is not a real calendar date.
 */
export function fromDateInput(text: string, opts: { endOfDay?: boolean } = {}): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  // Date.UTC rolls 2024-02-31 over to March; a date that does not round-trip is not a date.
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day)
    return null;
  return opts.endOfDay ? ms + DAY - 1 : ms;
}

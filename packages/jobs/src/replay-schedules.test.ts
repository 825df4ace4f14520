import { describe, expect, it } from 'vitest';
import { replaySchedules, SCHEDULES } from './contracts';

const patternOf = (schedules: { id: string; pattern: string }[], id: string) =>
  schedules.find((s) => s.id === id)?.pattern;

describe('replaySchedules', () => {
  it('runs the crypto ingests once per recorded bar period at the replay speed', () => {
    const fast = replaySchedules(SCHEDULES, 60);
    expect(patternOf(fast, 'ingest-crypto-5m')).toBe('*/5 * * * * *');
    // The engine has no schedule of its own: each ingested bar triggers its tick.
    expect(patternOf(fast, 'engine-crypto')).toBeUndefined();
    expect(patternOf(fast, 'ingest-crypto-1h')).toBe('0 */1 * * * *');
    expect(patternOf(fast, 'ingest-crypto-1d')).toBe('0 */24 * * * *');
  });

  it('never fires faster than every 5 seconds', () => {
    expect(patternOf(replaySchedules(SCHEDULES, 10_000), 'ingest-crypto-5m')).toBe('*/5 * * * * *');
  });

  it('leaves every other schedule, and real time, as they are', () => {
    expect(replaySchedules(SCHEDULES, 1)).toEqual(SCHEDULES);
    const fast = replaySchedules(SCHEDULES, 60);
    expect(patternOf(fast, 'reports-daily')).toBe(patternOf(SCHEDULES, 'reports-daily'));
    expect(patternOf(fast, 'ingest-stock-5m')).toBe(patternOf(SCHEDULES, 'ingest-stock-5m'));
  });
});

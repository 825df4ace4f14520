import { Writable } from 'node:stream';
import { BINANCE_2018_DIR } from '@tradehits/core/testing/binance-2018';
import { describe, expect, it } from 'vitest';
import { studyCli } from './study';

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

describe('npm run study', () => {
  it('prints one JSON document with the 5m accuracy the detector is known for', async () => {
    const out = sink();
    const err = sink();
    const code = await studyCli(
      ['--dir', BINANCE_2018_DIR, '--timeframes', '5m', '--resamples', '200', '--json'],
      {
        stdout: out.stream,
        stderr: err.stream,
      },
    );
    expect(code).toBe(0);
    const report = JSON.parse(out.text());
    expect(report.overall.signals).toBe(19);
    expect(report.overall.accuracy.value).toBeCloseTo(14 / 19, 12);
    expect(err.text()).toBe('');
  }, 60_000);

  it('answers bad flags with the usage and exit code 2', async () => {
    const out = sink();
    const err = sink();
    expect(
      await studyCli(['--dir', BINANCE_2018_DIR, '--timeframes', '4h'], {
        stdout: out.stream,
        stderr: err.stream,
      }),
    ).toBe(2);
    expect(err.text()).toMatch(/--timeframes takes 5m and 1h.*\nusage: npm run study/s);
    expect(await studyCli(['--help'], { stdout: out.stream, stderr: err.stream })).toBe(0);
    expect(out.text()).toMatch(/^usage: npm run study/);
  });
});

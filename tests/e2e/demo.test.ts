import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNodeClient } from '@tradehits/api/client';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, runScript, SHARED_MARKET, startApp } from '../support/app';
import { ARTIFACTS, launchBrowser, logIn } from '../support/browser';

const TRADER = {
  username: 'demo1',
  email: 'demo1@example.test',
  fullName: 'Dee Demo',
  password: 'demo trader password',
};
const DESKTOP = { width: 1440, height: 1000 };
const DAY = 86_400_000;
/**
 * Where the README's demo command ends the backfill. The shipped parameters trade rarely (16 trades
 * in the 20 recorded days; none between the 20th and the 27th), so the demo starts the replay two
 * hours of recorded time before the first signal of the 27th: a couple of minutes at 60×.
 */
const BACKFILL_END = Date.parse('2018-01-27T15:00:00Z');

/**
 * The README's demo as a newcomer runs it: the recorded days up to the 27th backfilled, the rest replayed
 * at 60× with no sentiment source configured (so the engine judges without the sentiment terms). A
 * trader who turns auto-trading on for crypto sees a paper trade open and then close by itself within
 * minutes, with its entry and exit marked on the charts.
 */
describe('the replay demo trades on paper by itself', () => {
  let app: RunningApp;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tradehits-demo-'));
    await runScript(
      'packages/jobs/src/cli/backfill.ts',
      ['--source', 'files', '--dir', SHARED_MARKET, '--to', new Date(BACKFILL_END).toISOString()],
      { DATA_DIR: dataDir },
    );
    app = await startApp(
      {
        MARKET_SOURCE: 'replay',
        REPLAY_DIR: SHARED_MARKET,
        REPLAY_SPEED: '60',
        // The README demo's stated paper rate: the recording has no BTC/USD to convert at.
        PAPER_USD_RATES: 'BTC=11000',
        COOKIE_SECURE: 'false',
      },
      dataDir,
    );
    browser = await launchBrowser();
    const client = createNodeClient(app.url);
    await client.auth.register.mutate(TRADER);
    // Auto-trading on with the shipped parameters; a position is held at most an hour of recorded
    // time (a minute at 60×), so the test sees an exit however the market moves.
    await client.me.parameters.create.mutate({
      assetType: 'crypto',
      symbol: 'ALL',
      autoTradingEnabled: true,
      maxHoldingHours: 1,
    });
  }, 420_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('opens a paper trade and closes it with an exit reason, marked on the charts', async () => {
    const started = Date.now();
    const page = await browser.newPage({ viewport: DESKTOP });
    await logIn(page, app.url, TRADER);
    await page.goto(`${app.url}/?tab=crypto`);

    // The engine's entry appears among the open positions, pushed live (no reload).
    const active = page.getByTestId('active-trade');
    await expect.poll(() => active.count(), { timeout: 360_000, interval: 1_000 }).toBeGreaterThan(0);
    const openedAfter = Date.now() - started;
    const client = createNodeClient(app.url);
    await client.auth.login.mutate(TRADER);
    const [opened] = (await client.trades.active.query()).filter((t) => t.executionReason !== 'manual');
    expect(opened).toMatchObject({ isPaper: true, assetType: 'crypto' });
    // Stamped with the replay's clock: the recorded day, not today.
    const entryAt = new Date(opened!.entryTime!).getTime();
    expect(entryAt).toBeGreaterThan(BACKFILL_END);
    expect(entryAt).toBeLessThan(BACKFILL_END + 10 * DAY);
    await page.screenshot({ path: `${ARTIFACTS}/ux-demo-open-1440.png`, fullPage: true });

    // It closes by itself on a later recorded bar, with the rule that closed it.
    let closed: Awaited<ReturnType<typeof client.trades.history.query>>['items'][number] | undefined;
    await expect
      .poll(
        async () => {
          const { items } = await client.trades.history.query({ limit: 50 });
          closed = items.find((t) => t.id === opened!.id && t.status === 'closed');
          return closed !== undefined;
        },
        { timeout: 240_000, interval: 1_000 },
      )
      .toBe(true);
    const closedAfter = Date.now() - started;
    console.log(
      `demo: ${opened!.symbol} opened ${openedAfter} ms after login (recorded ${new Date(entryAt).toISOString()}), closed after ${closedAfter} ms (${closed!.exitReason})`,
    );
    expect(closed!.exitReason).toMatch(/take-profit|stop-loss|trailing-stop|break-even|max-holding/);
    expect(new Date(closed!.exitTime!).getTime()).toBeGreaterThan(entryAt);

    // The trade's screen: the history row says why it ended; every chart marks its detection, entry and
    // exit. A period whose bar is not stored yet (the running hour, or a closed one not yet ingested)
    // is drawn as a bar built from the 5-minute bars, so the markers land there too.
    await page.goto(`${app.url}/?tab=crypto&symbol=${encodeURIComponent(opened!.symbol)}`);
    const row = page
      .getByTestId('trade-history')
      .locator('tbody tr')
      .filter({ hasText: closed!.exitReason! });
    await row.first().waitFor({ timeout: 30_000 });
    for (const tf of ['5m', '1h', '1d'] as const) {
      const chart = page.getByTestId(`chart-${tf}`);
      const drawn = async (name: string) => Number((await chart.getAttribute(name)) ?? 0);
      await expect.poll(() => drawn('data-detections'), { timeout: 30_000 }).toBeGreaterThan(0);
      await expect.poll(() => drawn('data-entries'), { timeout: 30_000 }).toBeGreaterThan(0);
      await expect.poll(() => drawn('data-exits'), { timeout: 30_000 }).toBeGreaterThan(0);
    }

    // The hourly chart ends with the running hour, built from its 5-minute bars and labelled so.
    const hourly = page.getByTestId('chart-1h');
    await expect
      .poll(async () => Number((await hourly.getAttribute('data-forming')) ?? 0), { timeout: 30_000 })
      .toBeGreaterThan(0);
    const box = (await hourly.boundingBox())!;
    // The newest candle is the rightmost slot of the price pane (the grid ends 12 px from the edge).
    const at = { x: box.x + box.width - 13, y: box.y + 28 + box.height * 0.2 };
    const tooltip = hourly
      .locator('div')
      .filter({ hasText: /forming/ })
      .last();
    await expect
      .poll(
        async () => {
          // Live 5m bars redraw the chart every few seconds: point again before each read.
          await page.mouse.move(at.x - 30, at.y);
          await page.mouse.move(at.x, at.y);
          return (await tooltip.count()) > 0 ? await tooltip.textContent() : '';
        },
        { timeout: 15_000, interval: 500 },
      )
      .toMatch(/forming/);
    await hourly.screenshot({ path: `${ARTIFACTS}/ux-demo-hourly-forming-1440.png` });
    await page.mouse.move(0, 0);
    await page.screenshot({ path: `${ARTIFACTS}/ux-demo-closed-1440.png`, fullPage: true });
    await page.close();
  }, 600_000);
});

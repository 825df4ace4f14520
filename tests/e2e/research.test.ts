import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNodeClient } from '@tradehits/api/client';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, runScript, SHARED_MARKET, startApp } from '../support/app';
import { ARTIFACTS, launchBrowser, logIn } from '../support/browser';

const TRADER = {
  username: 'researcher',
  email: 'researcher@example.test',
  fullName: 'Rae Search',
  password: 'research password 1',
};

/**
 * Strategy research as a trader meets it: the signal study page over the stored candles, and a
 * walk-forward optimiser run (stored by `npm run optimize`, as an operator runs it) whose
 * out-of-sample result the trader applies to a parameter set from the backtest page.
 */
describe('strategy research in a browser', () => {
  let app: RunningApp;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tradehits-research-'));
    await runScript('packages/jobs/src/cli/backfill.ts', ['--source', 'files', '--dir', SHARED_MARKET], {
      DATA_DIR: dataDir,
    });
    // A small, seeded run (two pairs, few candidates) keeps the test in seconds; it is stored as any run is.
    await runScript(
      'packages/jobs/src/cli/optimize.ts',
      [
        '--dir',
        SHARED_MARKET,
        '--symbols',
        'ETH/BTC,LTC/BTC',
        '--samples',
        '6',
        '--workers',
        '1',
        '--resamples',
        '200',
        '--train-days',
        '6',
        '--test-days',
        '3',
      ],
      { DATA_DIR: dataDir },
    );
    // Replay at real time: the backfilled candles are what the pages study; nothing leaves 127.0.0.1.
    app = await startApp(
      { MARKET_SOURCE: 'replay', REPLAY_DIR: SHARED_MARKET, COOKIE_SECURE: 'false' },
      dataDir,
    );
    browser = await launchBrowser();
    await createNodeClient(app.url).auth.register.mutate(TRADER);
  }, 420_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('studies what followed each lowest point, per symbol and timeframe', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await logIn(page, app.url, TRADER);
    await page.goto(`${app.url}/study`);
    const form = page.getByTestId('study-form');
    for (const s of ['ETH/BTC', 'XMR/BTC']) {
      const box = form.getByLabel(s);
      if (!(await box.isChecked())) await box.check();
    }
    await form.getByRole('button', { name: 'Run study' }).click();
    const result = page.getByTestId('study-result');
    await result.waitFor({ timeout: 90_000 });
    const groups = result.getByTestId('study-groups').locator('tbody tr');
    expect(await groups.count()).toBeGreaterThan(1);
    expect(await result.textContent()).toMatch(/\d+ signals\. Accuracy is the share higher two hours after/);
    await page.screenshot({ path: `${ARTIFACTS}/ux-study-1440.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${ARTIFACTS}/ux-study-390.png`, fullPage: true });
    await page.close();
  }, 150_000);

  it('applies a stored out-of-sample optimiser result to the trader’s saved parameters', async () => {
    const client = createNodeClient(app.url);
    await client.auth.login.mutate(TRADER);
    // The trader's own exits, unlike anything the optimiser recommends.
    const mine = await client.me.parameters.create.mutate({
      assetType: 'crypto',
      symbol: 'ALL',
      takeProfitPct: 9.5,
      stopLossPct: 7.25,
      trailingStopPct: null,
      breakEvenAfterPct: null,
      maxHoldingHours: 700,
      maxConcurrentTrades: 9,
    });
    const [run] = await client.research.optimizerRuns.query();
    expect(run).toBeDefined();
    const recommended = run!.recommended as Record<string, number | boolean | null>;

    const page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
    await logIn(page, app.url, TRADER);
    await page.goto(`${app.url}/backtest`);
    const card = page.locator(`[data-testid="optimizer-run"][data-run-id="${run!.id}"]`);
    await card.waitFor({ timeout: 20_000 });
    expect(await card.textContent()).toMatch(/Out-of-sample \(result\)/);
    expect(await card.textContent()).toMatch(/In-sample/);
    await card.getByLabel('Apply to').selectOption(mine.id);
    await card.getByRole('button', { name: 'Apply out-of-sample result' }).click();
    await card.getByText('Applied to your parameters.').waitFor({ timeout: 20_000 });
    await page.screenshot({ path: `${ARTIFACTS}/ux-optimizer-apply-1440.png`, fullPage: true });
    await page.close();

    // The saved parameters are now the run's recommendation, as the engine will read them.
    const saved = (await client.me.parameters.list.query()).find((p) => p.id === mine.id)!;
    for (const key of [
      'takeProfitPct',
      'stopLossPct',
      'trailingStopPct',
      'breakEvenAfterPct',
      'maxHoldingHours',
    ] as const) {
      const want = recommended[key] ?? null;
      if (want === null) expect(saved[key], key).toBeNull();
      else expect(Number(saved[key]), key).toBeCloseTo(Number(want), 2);
    }
    expect(saved.maxConcurrentTrades).toBe(recommended.maxConcurrentTrades);
    expect(Number(saved.takeProfitPct)).not.toBe(9.5);
  }, 120_000);
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNodeClient } from '@tradehits/api/client';
import {
  FAKE_KRAKEN_CREDENTIALS,
  type FakeKraken,
  startFakeKraken,
} from '@tradehits/exchange/testing/fake-kraken';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, runScript, SHARED_MARKET, startApp } from '../support/app';
import { ARTIFACTS, launchBrowser, logIn } from '../support/browser';

const ADMIN = { username: 'admin', password: 'an admin password of length' };
const TRADER = {
  username: 'trader1',
  email: 'trader1@example.test',
  fullName: 'Tess Trader',
  password: 'trader password 1',
};

/**
 * The product as a person uses it, on embedded defaults (PGlite, DuckDB, jobs in process): recorded
 * real candles backfilled by the CLI, the server started as `npm start` starts it, Debian's Chromium
 * driving the SPA, and a local fake of Kraken's API for the live order an admin approves.
 */
describe('TradeHits in a browser', () => {
  let app: RunningApp;
  let kraken: FakeKraken;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    // The shared candles are quoted in BTC, so the live account holds BTC to pay for ETH/BTC.
    kraken = await startFakeKraken({ balances: { ZUSD: 500, XXBT: 50 }, prices: { XETHXXBT: 0.09 } });
    dataDir = await mkdtemp(path.join(tmpdir(), 'tradehits-e2e-'));
    await runScript(
      'packages/jobs/src/cli/backfill.ts',
      ['--source', 'files', '--dir', SHARED_MARKET, '--timeframes', '5m,1h,1d'],
      { DATA_DIR: dataDir },
    );
    app = await startApp(
      {
        MARKET_SOURCE: 'replay',
        // Paper accounts hold USD and the recording has no BTC/USD: the README demo's stated paper rate.
        PAPER_USD_RATES: 'BTC=11000',
        REPLAY_DIR: SHARED_MARKET,
        ADMIN_USERNAME: ADMIN.username,
        ADMIN_PASSWORD: ADMIN.password,
        SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
        KRAKEN_PUBLIC_URL: kraken.url,
        KRAKEN_PRIVATE_URL: kraken.url,
        LIVE_REQUIRES_APPROVAL: 'true',
        COOKIE_SECURE: 'false',
      },
      dataDir,
    );
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await kraken?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('registers, shows three charts of replayed bars, and refuses /admin to a trader', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    // The app runs under its Content-Security-Policy: any script, style or chart it blocks is a failure.
    const blocked: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) blocked.push(m.text());
    });
    const first = await page.goto(`${app.url}/register`);
    expect(first?.headers()['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    await page.getByLabel('Username').fill(TRADER.username);
    await page.getByLabel('Email').fill(TRADER.email);
    await page.getByLabel('Full name').fill(TRADER.fullName);
    await page.getByLabel('Password').fill(TRADER.password);
    await page.getByRole('button', { name: 'Register' }).click();
    await page.waitForURL((u) => u.pathname === '/');
    await expect.poll(() => page.getByTestId('paper-banner').isVisible(), { timeout: 15_000 }).toBe(true);

    for (const tf of ['1d', '1h', '5m']) {
      const chart = page.getByTestId(`chart-${tf}`);
      await expect
        .poll(async () => Number((await chart.getAttribute('data-bars')) ?? 0), { timeout: 20_000 })
        .toBeGreaterThan(0);
    }
    await page.screenshot({ path: `${ARTIFACTS}/dashboard.png`, fullPage: true });
    expect(blocked).toEqual([]);

    // The admin link is hidden, the route says no, and the server refuses the procedure itself.
    expect(await page.getByTestId('nav-admin').count()).toBe(0);
    await page.goto(`${app.url}/admin`);
    await expect.poll(() => page.getByTestId('not-authorised').isVisible(), { timeout: 10_000 }).toBe(true);
    const status = await page.evaluate(async () => (await fetch('/trpc/admin.users.list')).status);
    expect(status).toBe(403);
    await page.close();
  });

  it('edits trade parameters with inline validation', async () => {
    const page = await browser.newPage();
    await logIn(page, app.url, TRADER);
    await page.goto(`${app.url}/settings`);
    await page.getByRole('button', { name: 'New parameter set' }).click();
    const form = page.getByTestId('params-form');
    await form.getByLabel('Take profit %').fill('500');
    await form.getByRole('button', { name: 'Create' }).click();
    await expect
      .poll(() => form.getByText(/take-profit must be between 0.1 % and 100 %/).isVisible())
      .toBe(true);
    await form.getByLabel('Take profit %').fill('4');
    await form.getByLabel('Trade amount (USD)').fill('250');
    await form.getByRole('button', { name: 'Create' }).click();
    await expect
      .poll(() => page.getByTestId('params-list').textContent(), { timeout: 10_000 })
      .toContain('250');
    await page.close();
  });

  it('shows a paper trade the moment it opens, without a reload', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await logIn(page, app.url, TRADER);
    await page.goto(`${app.url}/?tab=crypto&symbol=ETH%2FBTC`);
    await expect
      .poll(() => page.getByTestId('live-status').getAttribute('class'), { timeout: 15_000 })
      .toMatch(/live-live/);
    const before = await page.getByTestId('active-trade').count();
    const navigations: string[] = [];
    page.on('framenavigated', (f) => navigations.push(f.url()));

    const client = createNodeClient(app.url);
    await client.auth.login.mutate(TRADER);
    const trade = await client.trades.execute.mutate({
      side: 'buy',
      assetType: 'crypto',
      symbol: 'ETH/BTC',
      amount: '1000',
      mode: 'paper',
    });
    expect(trade).toMatchObject({ status: 'open', isPaper: true });

    await expect.poll(() => page.getByTestId('active-trade').count(), { timeout: 15_000 }).toBe(before + 1);
    expect(await page.locator(`[data-trade-id="${trade.id}"]`).count()).toBe(1);
    expect(navigations).toEqual([]);
    await page.close();
  });

  it('refuses a live order on a pair not quoted in USD: "20" ETH/BTC is 20 BTC, not 20 dollars', async () => {
    const admin = createNodeClient(app.url);
    await admin.auth.login.mutate(ADMIN);
    const trader = createNodeClient(app.url);
    const me = await trader.auth.login.mutate(TRADER);
    await admin.admin.users.update.mutate({ id: me.id, role: 'beta_user' });
    await trader.me.linkVenue.mutate({ assetType: 'crypto', venue: 'kraken', ...FAKE_KRAKEN_CREDENTIALS });
    await expect(
      trader.trades.execute.mutate({
        side: 'buy',
        assetType: 'crypto',
        symbol: 'ETH/BTC',
        amount: '20',
        mode: 'live',
      }),
    ).rejects.toThrow(/ETH\/BTC is priced in BTC/);
    expect(kraken.orderCount()).toBe(0);
    expect((await trader.trades.active.query()).filter((t) => !t.isPaper)).toEqual([]);

    const page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
    await logIn(page, app.url, ADMIN);
    await page.goto(`${app.url}/admin`);
    await page.getByTestId('approval-queue').waitFor({ timeout: 15_000 });
    // The console listens on the live feed and shows its alerts badge; the refused order queued nothing.
    await expect
      .poll(() => page.getByTestId('live-status').getAttribute('class'), { timeout: 15_000 })
      .toContain('live-live');
    await expect
      .poll(() => page.getByTestId('notification-badge').getAttribute('data-unread'), { timeout: 15_000 })
      .not.toBeNull();
    await page.screenshot({ path: `${ARTIFACTS}/admin-console.png`, fullPage: true });
    expect(await page.getByTestId('approval-queue').getByTestId('approval').count()).toBe(0);
    await page.close();
  });
});

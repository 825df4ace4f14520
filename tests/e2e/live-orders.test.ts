import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNodeClient } from '@tradehits/api/client';
import { binance2018As } from '@tradehits/core/testing/binance-2018';
import { TIMEFRAME_MS } from '@tradehits/core/types';
import {
  FAKE_KRAKEN_CREDENTIALS,
  type FakeKraken,
  type KrakenOhlcRow,
  startFakeKraken,
} from '@tradehits/exchange/testing/fake-kraken';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../support/app';
import { ARTIFACTS, launchBrowser, logIn } from '../support/browser';

const ADMIN = { username: 'admin', password: 'an admin password of length' };
const TRADER = {
  username: 'livetrader',
  email: 'livetrader@example.test',
  fullName: 'Liv Trader',
  password: 'live trader password',
};
const FIVE_MINUTES = TIMEFRAME_MS['5m'];

/**
 * Recorded ETH/BTC candles relabelled ETH/USD and scaled to about 3,000 dollars, as Kraken's OHLC
 * answers them, ending with the bar forming now. Live orders on BTC-quoted pairs are refused, and the
 * only recorded data is BTC-quoted: this is how a live USD order meets real market data here.
 */
function usdSeriesEndingNow(): KrakenOhlcRow[] {
  const recorded = binance2018As('ETH/USD').slice(-400);
  const forming = Math.floor(Date.now() / FIVE_MINUTES) * FIVE_MINUTES;
  const shift = forming - recorded.at(-1)!.openTime;
  const k = 3000 / recorded.at(-1)!.close;
  return recorded.map((b) => {
    const [o, h, l, c] = [b.open * k, b.high * k, b.low * k, b.close * k];
    return [
      (b.openTime + shift) / 1000,
      String(o),
      String(h),
      String(l),
      String(c),
      String((h + l + c) / 3),
      String(b.volume),
      1,
    ];
  });
}

/**
 * Live orders an admin must approve, over the live feed, on a server trading a local fake of Kraken:
 * the admin console's badge shows a pending approval within a second, and when the venue then refuses
 * the account's key, the quarantine reaches the trader's safety strip within a second.
 */
describe('live orders: approvals and quarantine pushed to the screens', () => {
  let app: RunningApp;
  let kraken: FakeKraken;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    kraken = await startFakeKraken({ ohlc: { XETHZUSD: { 5: usdSeriesEndingNow() } } });
    dataDir = await mkdtemp(path.join(tmpdir(), 'tradehits-live-'));
    app = await startApp(
      {
        CRYPTO_SYMBOLS: 'ETH/USD',
        KRAKEN_PUBLIC_URL: kraken.url,
        KRAKEN_PRIVATE_URL: kraken.url,
        SECRETS_KEY: Buffer.alloc(32, 9).toString('base64'),
        LIVE_REQUIRES_APPROVAL: 'true',
        ADMIN_USERNAME: ADMIN.username,
        ADMIN_PASSWORD: ADMIN.password,
        COOKIE_SECURE: 'false',
      },
      dataDir,
    );
    browser = await launchBrowser();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await kraken?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('shows a pending approval on the admin badge within a second, and a quarantine on the trader’s strip', async () => {
    const admin = createNodeClient(app.url);
    await admin.auth.login.mutate(ADMIN);
    // The ETH/USD bars come from the fake Kraken, as an operator's manual ingest would fetch them.
    await admin.admin.jobs.run.mutate({
      name: 'market.ingest',
      data: { assetType: 'crypto', timeframe: '5m' },
    });
    await expect
      .poll(
        async () =>
          (
            JSON.parse(
              (await admin.markets.bars.query({ symbol: 'ETH/USD', timeframe: '5m', limit: 1 })).json,
            ) as {
              openTime: number[];
            }
          ).openTime.length,
        { timeout: 60_000, interval: 500 },
      )
      .toBe(1);

    const trader = createNodeClient(app.url);
    const me = await trader.auth.register.mutate(TRADER);
    await admin.admin.users.update.mutate({ id: me.id, role: 'beta_user' });
    await trader.me.linkVenue.mutate({ assetType: 'crypto', venue: 'kraken', ...FAKE_KRAKEN_CREDENTIALS });

    const console_ = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await logIn(console_, app.url, ADMIN);
    await console_.goto(`${app.url}/admin`);
    await console_.getByTestId('approval-queue').waitFor({ timeout: 20_000 });
    await expect
      .poll(() => console_.getByTestId('live-status').getAttribute('class'), { timeout: 20_000 })
      .toContain('live-live');
    const badge = console_.getByTestId('notification-badge');
    const unread = async () => Number((await badge.getAttribute('data-unread')) ?? 0);
    await expect.poll(() => badge.getAttribute('data-unread'), { timeout: 20_000 }).not.toBeNull();
    const before = await unread();

    const pending = await trader.trades.execute.mutate({
      side: 'buy',
      assetType: 'crypto',
      symbol: 'ETH/USD',
      amount: '20',
      mode: 'live',
    });
    const asked = Date.now();
    expect(pending).toMatchObject({ status: 'pending_approval', isPaper: false, currency: 'USD' });
    await expect.poll(unread, { timeout: 5_000, interval: 25 }).toBeGreaterThan(before);
    const badgeMs = Date.now() - asked;
    await expect
      .poll(() => console_.getByTestId('approval-queue').getByTestId('approval').count(), { timeout: 5_000 })
      .toBe(1);
    console.log(`pending approval on the admin badge ${badgeMs} ms after the order`);
    expect(badgeMs).toBeLessThan(1_000);
    expect(kraken.orderCount()).toBe(0);
    await console_.screenshot({ path: `${ARTIFACTS}/ux-admin-approval-1440.png`, fullPage: true });
    await console_.setViewportSize({ width: 390, height: 844 });
    await console_.waitForTimeout(300);
    await console_.screenshot({ path: `${ARTIFACTS}/ux-admin-approval-390.png`, fullPage: true });

    // The trader watches the dashboard while the admin approves and the venue refuses the key.
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await logIn(phone, app.url, TRADER);
    await phone.goto(`${app.url}/?tab=crypto&symbol=ETH%2FUSD`);
    await expect
      .poll(() => phone.getByTestId('live-status').getAttribute('class'), { timeout: 20_000 })
      .toMatch(/live-live/);
    const strip = phone.getByTestId('safety-strip');
    await expect.poll(() => strip.getAttribute('data-quarantined'), { timeout: 20_000 }).toBe('0');

    kraken.failNext('AddOrder', { kind: 'kraken-error', error: 'EAPI:Invalid key' });
    const [approval] = await admin.admin.approvals.list.query({ status: 'pending' });
    // The approval sends the order; the venue's refusal quarantines the account before it answers.
    await expect(
      admin.admin.approvals.decide.mutate({ id: approval!.id, decision: 'approve' }),
    ).rejects.toThrow(/API key rejected/);
    const decided = Date.now();
    await phone.getByTestId('account-quarantined').waitFor({ timeout: 5_000 });
    const stripMs = Date.now() - decided;
    console.log(`quarantine on the trader's strip ${stripMs} ms after the approval was answered`);
    expect(stripMs).toBeLessThan(1_000);
    expect(await phone.getByTestId('account-quarantined').textContent()).toMatch(
      /live crypto account is quarantined: .*API key rejected/,
    );
    expect(await strip.getAttribute('data-quarantined')).toBe('1');
    expect(await strip.textContent()).not.toContain('Auto-trading allowed');
    // The refused order released its position: the dashboard stops showing it, without a reload.
    expect((await trader.trades.active.query()).filter((t) => !t.isPaper)).toEqual([]);
    await expect.poll(() => phone.getByTestId('active-trade').count(), { timeout: 5_000 }).toBe(0);
    await phone.screenshot({ path: `${ARTIFACTS}/ux-quarantine-390.png`, fullPage: true });
    await phone.close();
    await console_.close();
  }, 240_000);
});

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { loadTestServices } from '@tradehits/config';
import { type Browser, chromium, type Page } from 'playwright-core';
import { ROOT } from './app';

/** Where screenshots land as test artifacts. */
export const ARTIFACTS = path.join(ROOT, 'test-results');

/** Debian's Chromium, headless; never a downloaded browser. */
export async function launchBrowser(): Promise<Browser> {
  await mkdir(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: loadTestServices().chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** Logs `who` in through the login form of the app at `baseUrl`, and waits to be let through. */
export async function logIn(page: Page, baseUrl: string, who: { username: string; password: string }) {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Username').fill(who.username);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

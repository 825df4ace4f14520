import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { loadTestServices } from '@tradehits/config';
import { type Browser, chromium } from 'playwright-core';
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

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from './shared-data.js';

/** Screenshots of the e2e runs, kept as test artifacts (gitignored). */
export const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'e2e');

/**
 * Debian's Chromium driven by playwright-core: no browser download. The flags keep it from
 * reaching out to the network (closed here) and from needing a GPU or a sandbox as root.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.HAVEN_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: false });
}

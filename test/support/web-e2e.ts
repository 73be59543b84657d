import path from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './browser.js';
import { adminCreateAgency, adminCreateUser, buildWebApp } from './haven-server-process.js';
import { tempDir } from './temp-dir.js';

export interface E2eBrowser {
  /** The production build of the web app, made once for the describe block. */
  readonly webDir: () => string;
  /** A page in a fresh browser context (no shared cookies), 1280x800 unless `options` say otherwise. */
  readonly newPage: (options?: BrowserContextOptions) => Promise<Page>;
}

/**
 * Builds the web app and opens Chromium before a describe block's tests, and closes it after.
 * A describe block's own beforeAll (test files to generate, say) runs after this one.
 */
export function e2eBrowser(prefix: string): E2eBrowser {
  let browser: Browser | undefined;
  let webDir = '';
  beforeAll(async () => {
    webDir = path.join(tempDir(prefix), 'dist');
    buildWebApp(webDir);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });
  return {
    webDir: () => webDir,
    newPage: async (options = {}) => {
      if (!browser) {
        throw new Error('Chromium is not open: call newPage inside a test');
      }
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
      return context.newPage();
    },
  };
}

/** Agency West (FR) with investigator anna; returns anna's password. */
export async function agencyWest(dataDir: string): Promise<string> {
  await adminCreateAgency(dataDir, 'Agency West', 'FR');
  return adminCreateUser(dataDir, {
    agency: 'Agency West',
    username: 'anna',
    displayName: 'Anna West',
    roles: 'investigator',
  });
}

/** Agency West (FR) with investigator anna and Agency East (PL) with investigator ben. */
export async function westAndEast(dataDir: string): Promise<{ annaPassword: string; benPassword: string }> {
  const annaPassword = await agencyWest(dataDir);
  await adminCreateAgency(dataDir, 'Agency East', 'PL');
  const benPassword = await adminCreateUser(dataDir, {
    agency: 'Agency East',
    username: 'ben',
    displayName: 'Ben East',
    roles: 'investigator',
  });
  return { annaPassword, benPassword };
}

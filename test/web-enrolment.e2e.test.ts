import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDataDir } from './support/haven-fixture.js';
import { onPostgres } from './support/test-database.js';
import { tempDir } from './support/temp-dir.js';
import { launchChromium } from './support/browser.js';
import { firstSignIn } from './support/web-session.js';
import {
  adminCreateAgency,
  adminCreateUser,
  buildWebApp,
  startHavenProcess,
  type HavenProcess,
} from './support/haven-server-process.js';

/**
 * Authenticator enrolment starts exactly once per page, even in React's development build where
 * StrictMode runs every effect twice: two starts racing each other left the server holding a
 * different secret from the one shown, and a correct code was refused now and then.
 */
describe.runIf(!onPostgres())('authenticator enrolment in Chromium (development build)', () => {
  let browser: Browser;
  let webDir: string;

  beforeAll(async () => {
    webDir = path.join(tempDir('haven-web-enrol-'), 'dist');
    buildWebApp(webDir, 'development');
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser.close();
  });

  it('starts one enrolment per page, and the first code computed from the shown secret is accepted', async () => {
    const dataDir = freshDataDir();
    await adminCreateAgency(dataDir, 'Agency North', 'SE');
    const passwords: string[] = [];
    for (const username of ['erik', 'frida']) {
      passwords.push(
        await adminCreateUser(dataDir, {
          agency: 'Agency North',
          username,
          displayName: username,
          roles: 'reviewer',
        }),
      );
    }
    let server: HavenProcess | undefined;
    try {
      server = await startHavenProcess(dataDir, webDir);
      for (const [index, username] of ['erik', 'frida'].entries()) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        const page = await context.newPage();
        const starts: string[] = [];
        const confirms: number[] = [];
        page.on('request', (request) => {
          if (request.method() === 'POST' && request.url().endsWith('/api/v1/auth/mfa/enrolment')) {
            starts.push(request.url());
          }
        });
        page.on('response', (response) => {
          if (response.url().endsWith('/api/v1/auth/mfa/enrolment/confirm')) {
            confirms.push(response.status());
          }
        });
        await firstSignIn(page, server.url, username, passwords[index]!);
        // One start, one confirmation, accepted at once (the helper's retry never needed).
        expect(starts).toHaveLength(1);
        expect(confirms).toEqual([200]);
        await context.close();
      }
    } finally {
      await server?.stop();
    }
  }, 300_000);
});

import type { BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { freshDataDir } from './support/haven-fixture.js';
import { pictureJpeg } from './support/images.js';
import { onPostgres } from './support/test-database.js';
import { screenshot } from './support/browser.js';
import { firstSignIn } from './support/web-session.js';
import { e2eBrowser } from './support/web-e2e.js';
import {
  adminCreateAgency,
  adminCreateUser,
  startHavenProcess,
  type HavenProcess,
} from './support/haven-server-process.js';

/**
 * The investigators' app in real Chromium against a real `haven serve` process. Runs in the pglite
 * project only: the browser drives the same HTTP API whose behaviour on both databases the API
 * tests already cover, and a second Chromium run would double the suite's slowest test.
 */
/** Drops files on the upload page as a real drag and drop does (a DataTransfer with File objects). */
async function dropFiles(page: Page, files: readonly { name: string; buffer: Buffer }[]): Promise<void> {
  const payload = JSON.stringify(
    files.map((file) => ({ name: file.name, base64: file.buffer.toString('base64') })),
  );
  const dataTransfer = await page.evaluateHandle(`(() => {
    const transfer = new DataTransfer();
    for (const file of ${payload}) {
      const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], file.name, { type: 'image/jpeg' }));
    }
    return transfer;
  })()`);
  await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer });
}

/** Adds time to the signed-in user's exposure log through the API, as the app does. */
async function reportExposure(page: Page, seconds: number): Promise<number> {
  return page.evaluate(`(async () => {
    const session = await (await fetch('/api/v1/auth/session')).json();
    const reply = await fetch('/api/v1/wellbeing/exposure', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
      body: JSON.stringify({ seconds: ${seconds}, items: 0 }),
    });
    return reply.status;
  })()`);
}

describe.runIf(!onPostgres())('web app in Chromium', () => {
  const e2e = e2eBrowser('haven-web-');

  /** Messages of the browser that say the security policy blocked something the app tried. */
  const policyViolations: string[] = [];

  async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
    const page = await e2e.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) {
        policyViolations.push(message.text());
      }
    });
    return { context: page.context(), page };
  }

  /** Presses Tab until the control with this accessible label has the focus (keyboard only). */
  async function tabTo(page: Page, label: string, limit = 60): Promise<void> {
    for (let presses = 0; presses < limit; presses++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(
        'document.activeElement && document.activeElement.getAttribute("aria-label")',
      );
      if (focused === label) {
        return;
      }
    }
    throw new Error(`${label} not reached with ${limit} presses of Tab`);
  }

  it('two agencies: enrol MFA, upload, triage, reveal one preview, safe screen, sharing, audit', async () => {
    const dataDir = freshDataDir();
    await adminCreateAgency(dataDir, 'Agency North', 'NL');
    await adminCreateAgency(dataDir, 'Agency South', 'BE');
    const alicePassword = await adminCreateUser(dataDir, {
      agency: 'Agency North',
      username: 'alice',
      displayName: 'Alice North',
      roles: 'investigator',
    });
    const bobPassword = await adminCreateUser(dataDir, {
      agency: 'Agency South',
      username: 'bob',
      displayName: 'Bob South',
      roles: 'investigator',
    });
    const carolPassword = await adminCreateUser(dataDir, {
      agency: 'Agency North',
      username: 'carol',
      displayName: 'Carol Central',
      roles: 'central_admin',
    });
    let server: HavenProcess | undefined;
    try {
      server = await startHavenProcess(dataDir, e2e.webDir());
      const { url } = server;

      // Pages come with the app's security policy; unknown API paths keep their JSON errors.
      const home = await fetch(`${url}/cases/anything`);
      expect(home.status).toBe(200);
      expect(home.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(home.headers.get('x-frame-options')).toBe('DENY');
      expect(await home.text()).toContain('<div id="root">');
      const missingApi = await fetch(`${url}/api/v1/no-such-route`);
      expect(missingApi.status).toBe(404);
      expect(((await missingApi.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');

      // Alice (Agency North): sign-in page, enrolment, then a second sign-in with a recovery code.
      const alice = await newPage();
      await alice.page.goto(`${url}/`);
      await alice.page.getByRole('heading', { name: 'Sign in to Haven' }).waitFor();
      await screenshot(alice.page, '01-login');
      const recovery = await firstSignIn(alice.page, url, 'alice', alicePassword, '02');
      await screenshot(alice.page, '03-dashboard');
      await alice.page.getByRole('button', { name: 'Sign out' }).click();
      await alice.page.getByLabel('Username').fill('alice');
      await alice.page.getByLabel('Password').fill(alicePassword);
      await alice.page.getByRole('button', { name: 'Sign in' }).click();
      await alice.page.getByRole('heading', { name: 'Second factor' }).waitFor();
      await alice.page.getByRole('button', { name: 'Use a recovery code' }).click();
      await alice.page.getByLabel('Recovery code').fill(recovery[0]!);
      await alice.page.getByRole('button', { name: 'Verify' }).click();
      await alice.page.getByRole('heading', { name: 'Dashboard' }).waitFor();

      // A case, and three generated benign pictures uploaded into it.
      await alice.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cases' }).click();
      await alice.page.getByLabel('Reference').fill('NORTH-1');
      await alice.page.getByLabel('Title (neutral, optional)').fill('Seized laptop');
      await alice.page.getByRole('button', { name: 'Open case' }).click();
      await alice.page.getByRole('heading', { name: 'Case NORTH-1' }).waitFor();
      const aliceCaseUrl = alice.page.url();
      await alice.page.getByRole('link', { name: 'Upload material' }).click();
      const pictures = await Promise.all([1, 2, 3].map((seed) => pictureJpeg(9100 + seed)));
      const names = pictures.map((_, index) => `room-${index + 1}.jpg`);
      // The first attempt sends one file only, as if the connection dropped after it.
      await alice.page
        .getByTestId('file-input')
        .setInputFiles([{ name: names[0]!, mimeType: 'image/jpeg', buffer: pictures[0]! }]);
      await alice.page.getByRole('button', { name: 'Upload', exact: true }).click();
      await alice.page.getByText('Every file is received.').waitFor();
      await alice.page.reload();
      await alice.page.getByText('An unfinished upload into this case is open.').waitFor();
      // Resumed by dropping all three files: only the two not yet received are sent.
      await dropFiles(
        alice.page,
        pictures.map((buffer, index) => ({ name: names[index]!, buffer })),
      );
      await alice.page.getByRole('heading', { name: /3 files/ }).waitFor();
      const sent: string[] = [];
      alice.page.on('request', (request) => {
        if (request.method() === 'POST' && request.url().endsWith('/files')) {
          sent.push(request.url());
        }
      });
      await alice.page.getByRole('button', { name: 'Upload', exact: true }).click();
      await alice.page.getByText('1 file was already received and not sent again.').waitFor();
      await alice.page.getByRole('button', { name: 'Start processing' }).waitFor();
      expect(sent).toHaveLength(2);
      await screenshot(alice.page, '04-upload-resumed');
      await alice.page.getByRole('button', { name: 'Start processing' }).click();
      await alice.page.getByTestId('ingest-state').filter({ hasText: 'done' }).waitFor({ timeout: 60_000 });
      const triageUrl = alice.page.url();
      const newTiles = alice.page.locator('li[data-status="new"]');
      await newTiles.nth(2).waitFor();
      expect(await newTiles.count()).toBe(3);

      // Every preview starts blurred; revealing one asks for the clear preview of that one only.
      const figures = alice.page.locator('figure.preview');
      await figures.nth(2).locator('img').waitFor();
      const states = await Promise.all(
        (await figures.all()).map((figure) => figure.getAttribute('data-revealed')),
      );
      expect(states).toEqual(['false', 'false', 'false']);
      expect(await figures.first().locator('img').getAttribute('src')).toContain('variant=blurred');
      await screenshot(alice.page, '05-triage-blurred');
      // Every image says what it is; every control is reachable with the keyboard.
      expect(await alice.page.locator('img:not([alt])').count()).toBe(0);
      await alice.page.locator('#page-title').focus();
      await tabTo(alice.page, 'Reveal upload/room-3.jpg');
      await alice.page.keyboard.press('Enter');
      await alice.page.getByRole('img', { name: 'Revealed preview of upload/room-3.jpg' }).waitFor();
      await alice.page.keyboard.press('Enter');
      await alice.page.getByRole('img', { name: 'Blurred preview of upload/room-3.jpg' }).waitFor();
      const clearPreview = alice.page.waitForResponse((response) => response.url().includes('variant=clear'));
      await alice.page.getByRole('button', { name: 'Reveal upload/room-1.jpg' }).click();
      expect((await clearPreview).status()).toBe(200);
      await alice.page.getByRole('img', { name: 'Revealed preview of upload/room-1.jpg' }).waitFor();
      expect(await alice.page.locator('figure.preview[data-revealed="true"]').count()).toBe(1);
      await alice.page.waitForTimeout(2_100);
      await screenshot(alice.page, '06-one-revealed');

      // Safe screen (Escape) hides everything at once; back at work the preview is blurred again.
      await alice.page.keyboard.press('Escape');
      await alice.page.getByRole('dialog', { name: 'Safe screen' }).waitFor();
      await screenshot(alice.page, '07-safe-screen');
      expect(await alice.page.locator('.app-frame').getAttribute('aria-hidden')).toBe('true');
      await alice.page.getByRole('button', { name: 'Return to work' }).click();
      await alice.page.getByRole('img', { name: 'Blurred preview of upload/room-1.jpg' }).waitFor();
      expect(await alice.page.locator('figure.preview[data-revealed="true"]').count()).toBe(0);

      // The exposure log counted the time the picture was revealed.
      await alice.page.getByRole('link', { name: 'Wellbeing' }).click();
      await alice.page.getByRole('heading', { name: /Your exposure log/ }).waitFor();
      const row = alice.page.locator('tbody tr').first();
      await row.waitFor();
      expect(Number(await row.locator('td').nth(2).textContent())).toBe(2);
      expect(await alice.page.getByLabel('Blur previews until I reveal them one at a time').isChecked()).toBe(
        true,
      );

      // A break is suggested once the revealed time reaches the span Alice chose (5 minutes; the log
      // already holds 4 min 58 s, as after a long session).
      await alice.page.getByLabel('Suggest a break after this many minutes with material revealed').fill('5');
      await alice.page.getByRole('button', { name: 'Save' }).click();
      await alice.page.getByText('Saved.').waitFor();
      expect(await reportExposure(alice.page, 298)).toBe(204);
      await alice.page.goto(triageUrl);
      await alice.page.getByRole('button', { name: 'Reveal upload/room-2.jpg' }).click();
      await alice.page.getByRole('alertdialog', { name: 'Time for a break' }).waitFor({ timeout: 10_000 });
      await screenshot(alice.page, '07b-break-reminder');
      await alice.page.getByRole('button', { name: 'Take a break' }).click();
      await alice.page.getByRole('dialog', { name: 'Safe screen' }).waitFor();
      await alice.page.getByRole('button', { name: 'Return to work' }).click();
      expect(await alice.page.locator('figure.preview[data-revealed="true"]').count()).toBe(0);
      await alice.page.getByRole('link', { name: 'Wellbeing' }).click();
      await alice.page.locator('tbody tr td').nth(3).filter({ hasText: '1' }).waitFor();

      // Bob (Agency South) holds a copy and a near copy; he learns only that Agency North holds them.
      const bob = await newPage();
      await firstSignIn(bob.page, url, 'bob', bobPassword);
      await bob.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cases' }).click();
      await bob.page.getByRole('heading', { name: 'Visible to you' }).waitFor();
      expect(await bob.page.getByRole('link', { name: 'NORTH-1' }).count()).toBe(0);
      await bob.page.goto(aliceCaseUrl);
      await bob.page.getByRole('alert').filter({ hasText: 'Could not load the case' }).waitFor();
      await bob.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cases' }).click();
      await bob.page.getByLabel('Reference').fill('SOUTH-1');
      await bob.page.getByRole('button', { name: 'Open case' }).click();
      await bob.page.getByRole('link', { name: 'Upload material' }).click();
      const nearCopy = await sharp(pictures[1]).resize(560, 420).jpeg({ quality: 70 }).toBuffer();
      await bob.page.getByTestId('file-input').setInputFiles([
        { name: 'copy.jpg', mimeType: 'image/jpeg', buffer: pictures[0]! },
        { name: 'resized.jpg', mimeType: 'image/jpeg', buffer: nearCopy },
      ]);
      await bob.page.getByRole('button', { name: 'Upload', exact: true }).click();
      await bob.page.getByRole('button', { name: 'Start processing' }).click();
      await bob.page.getByTestId('ingest-state').filter({ hasText: 'done' }).waitFor({ timeout: 60_000 });
      const bobIngest = bob.page.url();
      await bob.page.locator('li[data-status="exact"]').waitFor();
      await bob.page.locator('li[data-status="near"]').waitFor();
      const restricted = await bob.page.locator('.matches li').allTextContents();
      expect(restricted.join('\n')).toContain('held by Agency North (NL), outside your sharing level');
      expect(restricted.join('\n')).not.toContain('NORTH-1');
      await screenshot(bob.page, '08-other-agency-restricted');

      // Alice shares her case with Agency South; Bob now sees the case and where the matches are.
      await alice.page.goto(`${url}/cases`);
      await alice.page.getByRole('link', { name: 'NORTH-1' }).click();
      await alice.page.getByLabel('Selected agencies').check();
      await alice.page.getByLabel('Agency South (BE)').check();
      await alice.page.getByRole('button', { name: 'Save sharing' }).click();
      await alice.page.getByText('Sharing saved.').waitFor();
      // The case's media grid: one blurred tile per medium of its ingests.
      await alice.page
        .getByRole('list', { name: 'Media of the case' })
        .locator('figure.preview')
        .nth(2)
        .waitFor();
      expect(await alice.page.getByRole('list', { name: 'Media of the case' }).locator('li').count()).toBe(3);
      expect(await alice.page.locator('figure.preview[data-revealed="true"]').count()).toBe(0);
      await screenshot(alice.page, '09-sharing');
      await bob.page.goto(bobIngest);
      await bob.page.locator('li[data-status="near"] .matches li').waitFor();
      const shared = await bob.page.locator('.matches li').allTextContents();
      expect(shared.join('\n')).toContain('in NORTH-1');
      expect(shared.join('\n')).toMatch(/pdq\s*distance \d+/);
      await screenshot(bob.page, '10-other-agency-shared');
      await bob.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cases' }).click();
      await bob.page.getByRole('link', { name: 'NORTH-1' }).waitFor();

      // Media detail: hashes and where it occurs, within what sharing allows.
      await bob.page.goto(bobIngest);
      await bob.page.locator('li[data-status="exact"] a.path').click();
      await bob.page.getByRole('heading', { name: 'Hashes' }).waitFor();
      await bob.page.getByRole('cell', { name: 'pdq', exact: true }).first().waitFor();
      await bob.page.getByRole('cell', { name: 'NORTH-1' }).waitFor();
      await screenshot(bob.page, '11-media-detail');

      // The central administrator reads the audit log: Alice's clear preview is there.
      const carol = await newPage();
      await firstSignIn(carol.page, url, 'carol', carolPassword);
      await carol.page.getByRole('link', { name: 'Audit log' }).click();
      await carol.page.getByLabel('Action (or prefix, e.g. media)').fill('media.preview.clear');
      await carol.page.getByRole('button', { name: 'Filter' }).click();
      await carol.page.getByRole('cell', { name: 'alice' }).first().waitFor();
      // The filtered list replaces the unfiltered one when its answer arrives: wait for it.
      await carol.page
        .locator('table.audit tbody tr')
        .filter({ hasNotText: 'media.preview.clear' })
        .first()
        .waitFor({ state: 'detached' });
      const clearViews = await carol.page.locator('table.audit tbody tr').allTextContents();
      // Two reveals of room-1 and room-3, one of room-2 (the break reminder): each one audited.
      expect(clearViews.length).toBeGreaterThanOrEqual(3);
      expect(clearViews.every((text) => text.includes('alice') && text.includes('media.preview.clear'))).toBe(
        true,
      );
      await screenshot(carol.page, '12-audit');
      await carol.page.getByRole('link', { name: 'Users' }).click();
      await carol.page.getByRole('cell', { name: /Bob South/ }).waitFor();
      await screenshot(carol.page, '13-users');

      // An API token for automation: shown once, works as a Bearer token, then revoked.
      await carol.page.getByRole('link', { name: 'API tokens' }).click();
      await carol.page.getByLabel('Name', { exact: true }).fill('audit export');
      await carol.page.getByLabel('audit.read').check();
      await carol.page.getByRole('button', { name: 'Create token' }).click();
      const secret = (await carol.page.locator('.notice code.secret').textContent())!.trim();
      const verify = await fetch(`${url}/api/v1/audit/verify`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      expect(verify.status).toBe(200);
      expect(((await verify.json()) as { ok: boolean }).ok).toBe(true);
      await carol.page.getByRole('button', { name: 'Revoke' }).click();
      await carol.page.getByRole('cell', { name: /^revoked/ }).waitFor();
      const refused = await fetch(`${url}/api/v1/audit/verify`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      expect(refused.status).toBe(401);
      await Promise.all([alice.context.close(), bob.context.close(), carol.context.close()]);
      expect(policyViolations).toEqual([]);
    } finally {
      await server?.stop();
    }
  }, 300_000);
});

import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { base32Decode } from '#haven/accounts/base32.js';
import { totpCode } from '#haven/accounts/totp.js';
import { screenshot } from './browser.js';

/**
 * First sign-in in the web app: password, then authenticator enrolment with a code computed from
 * the shown secret, then the recovery codes. Returns the recovery codes; `shot` names the
 * screenshot of the enrolment page.
 */
export async function firstSignIn(
  page: Page,
  url: string,
  username: string,
  password: string,
  shot?: string,
): Promise<string[]> {
  await page.goto(`${url}/`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const codesHeading = page.getByRole('heading', { name: 'Your recovery codes' });
  const refusal = page.getByRole('alert');
  // A refused code is retried with a freshly started enrolment (the page reloaded, a new secret
  // read off it), so a code that straddled a step boundary or a secret that changed under the page
  // does not fail the run; a third refusal does, with a screenshot.
  for (let attempt = 1; ; attempt++) {
    await page.getByRole('heading', { name: 'Set up your authenticator' }).waitFor();
    await page.getByRole('img', { name: 'QR code of the authenticator secret' }).waitFor();
    if (shot && attempt === 1) {
      await screenshot(page, `${shot}-enrol`);
    }
    const secret = base32Decode((await page.getByTestId('totp-secret').textContent())!.trim())!;
    const intoStep = Date.now() % 30_000;
    if (intoStep > 22_000) {
      await page.waitForTimeout(30_000 - intoStep + 500);
    }
    await page.getByLabel('Code from the app').fill(totpCode(secret, Date.now()));
    // The reply, not the page: a refusal shown by an earlier attempt stays on screen.
    const reply = page.waitForResponse((response) => response.url().endsWith('/auth/mfa/enrolment/confirm'), {
      timeout: 60_000,
    });
    await page.getByRole('button', { name: 'Confirm' }).click();
    if ((await reply).ok()) {
      await codesHeading.waitFor({ timeout: 60_000 });
      break;
    }
    if (attempt === 3) {
      await refusal.waitFor();
      await screenshot(page, `failed-enrolment-${username}`);
      throw new Error(`enrolment of ${username} refused: ${await refusal.textContent()}`);
    }
    await page.reload();
  }
  const codes = await page.getByRole('list', { name: 'Recovery codes' }).locator('code').allTextContents();
  expect(codes).toHaveLength(10);
  await page.getByLabel('I have stored my recovery codes').check();
  await page.getByRole('button', { name: 'Continue to Haven' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  return codes;
}

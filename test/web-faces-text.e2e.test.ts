import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { screenshot } from './support/browser.js';
import { freshDataDir } from './support/haven-fixture.js';
import { adminCreateAgency, adminCreateUser, startHavenProcess } from './support/haven-server-process.js';
import { sharedPath } from './support/shared-data.js';
import { onPostgres } from './support/test-database.js';
import { textPicture } from './support/text-images.js';
import { e2eBrowser } from './support/web-e2e.js';
import { firstSignIn } from './support/web-session.js';
import { mainMenu, seriesFromUpload } from './support/web-workspace.js';

/** A benign photo of a public figure as the JPEG a camera would give. */
const portrait = (name: string): Promise<Buffer> =>
  sharp(readFileSync(sharedPath('testdata', 'face', name)))
    .jpeg({ quality: 92 })
    .toBuffer();

/** Clicks `again` until `wanted` shows: the server computes faces and reads text in the background. */
async function until(
  page: Page,
  wanted: ReturnType<Page['getByTestId']>,
  again: () => Promise<void>,
): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      await wanted.first().waitFor({ timeout: 3_000 });
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        await screenshot(page, 'faces-text-timeout');
        throw error;
      }
      await again();
    }
  }
}

/**
 * Faces and text in real Chromium against a real `haven serve`: an agency administrator turns face
 * processing on, an investigator ingests two photos of the same public figure into two series and
 * a picture with a sign; the suggestion and the text appear by themselves (the server's workers
 * run the jobs ingest queued). pglite project only, like the other browser tests.
 */
describe.runIf(!onPostgres())('faces and text in Chromium', () => {
  const browser = e2eBrowser('haven-web-faces-');

  it('an opted-in agency gets a face suggestion across its series, reviews it crop by crop and accepts it; text search finds a sign', async () => {
    const dataDir = freshDataDir();
    await adminCreateAgency(dataDir, 'Agency West', 'FR');
    const adminPassword = await adminCreateUser(dataDir, {
      agency: 'Agency West',
      username: 'ada',
      displayName: 'Ada Admin',
      roles: 'agency_admin',
    });
    const password = await adminCreateUser(dataDir, {
      agency: 'Agency West',
      username: 'ines',
      displayName: 'Ines West',
      roles: 'investigator',
    });
    const pictures = [
      await portrait('paul_rudd_1.jpg'),
      await portrait('paul_rudd_2.jpg'),
      await textPicture(['The bakery is open on Sunday', 'Fresh bread for the street'], { format: 'jpeg' }),
    ];
    const server = await startHavenProcess(dataDir, browser.webDir());
    try {
      // The administrator opts the agency in; until then the investigator is told why nothing shows.
      const admin = await browser.newPage();
      await firstSignIn(admin, server.url, 'ada', adminPassword);
      await mainMenu(admin, 'Face processing').click();
      await admin.getByText(/Face processing is off for Agency West/).waitFor();
      await admin.getByRole('button', { name: 'Turn face processing on' }).click();
      await admin.getByText(/Face processing is on for Agency West \(turned on by /).waitFor();
      await screenshot(admin, 'faces-01-opted-in');

      const page = await browser.newPage();
      await firstSignIn(page, server.url, 'ines', password);
      await seriesFromUpload(page, {
        reference: 'WEST-FACES',
        seed: 7301,
        files: 3,
        pictures,
        series: [
          { title: 'First series', files: [1] },
          { title: 'Second series', files: [2, 3] },
        ],
      });

      // The suggestion appears without anyone asking for a scan.
      await mainMenu(page, 'Face suggestions').click();
      await page.getByText(/Face processing is on for Agency West/).waitFor();
      const suggestion = page.getByTestId('face-suggestion');
      await until(page, suggestion, () => page.getByRole('button', { name: 'Look again' }).click());
      expect(await suggestion.count()).toBe(2); // each series sees the other
      const first = suggestion.first();
      expect(await first.getByRole('heading').textContent()).toMatch(
        /^series \S+: same person as in series \S+$/,
      );
      // Both crops blurred; revealed one at a time, and the clear crop is asked for only then.
      const crops = first.getByTestId('face-crop');
      expect(await crops.count()).toBe(2);
      for (const crop of await crops.all()) {
        expect(await crop.getAttribute('data-revealed')).toBe('false');
        expect(await crop.locator('img').getAttribute('src')).toContain('variant=blurred');
      }
      await screenshot(page, 'faces-02-suggestion-blurred');
      await crops
        .nth(0)
        .getByRole('button', { name: /^Reveal face/ })
        .click();
      expect(await crops.nth(0).getAttribute('data-revealed')).toBe('true');
      expect(await crops.nth(0).locator('img').getAttribute('src')).toContain('variant=clear');
      expect(await crops.nth(1).getAttribute('data-revealed')).toBe('false');
      await crops
        .nth(0)
        .getByRole('button', { name: /^Hide face/ })
        .click();
      await crops
        .nth(1)
        .getByRole('button', { name: /^Reveal face/ })
        .click();
      expect(await crops.nth(0).getAttribute('data-revealed')).toBe('false');
      expect(await crops.nth(1).getAttribute('data-revealed')).toBe('true');
      // The clear crop arrives (the server cuts it from the decrypted original).
      await expect
        .poll(
          () =>
            crops
              .nth(1)
              .locator('img')
              .evaluate((img: unknown) => (img as { naturalWidth: number }).naturalWidth),
          {
            timeout: 20_000,
          },
        )
        .toBeGreaterThan(0);
      await screenshot(page, 'faces-03-one-revealed');
      await crops
        .nth(1)
        .getByRole('button', { name: /^Hide face/ })
        .click();

      // The explanation: both crops large with the score and the threshold.
      await first.getByRole('button', { name: 'Why suggested' }).click();
      const explanation = first.getByTestId('face-explanation');
      const [, similarity, threshold] = /cosine similarity of (0\.\d{3}); faces from (0\.\d\d) on/.exec(
        (await explanation.textContent())!,
      )!;
      expect(Number(similarity)).toBeGreaterThanOrEqual(Number(threshold));
      expect(await first.getByTestId('suggestion-score').textContent()).toBe(
        `${Math.round(Number(similarity) * 100)}%`,
      );
      expect(await explanation.getByTestId('face-crop').count()).toBe(2);

      // The decision is recorded with who made it, and stays after a reload.
      await first.getByRole('button', { name: 'Same person', exact: true }).click();
      await first
        .getByTestId('suggestion-state')
        .filter({ hasText: /^accepted by ines / })
        .waitFor();
      await page.reload();
      await page.getByLabel('Show').selectOption('accepted');
      await page.getByTestId('face-suggestion').first().waitFor();
      expect(await page.getByTestId('face-suggestion').count()).toBe(1);
      expect(await page.getByTestId('suggestion-state').first().textContent()).toMatch(/^accepted by ines /);
      await screenshot(page, 'faces-04-accepted');

      // A photo compared with the held faces: the man is found in both series' images, blurred.
      await mainMenu(page, 'Compare a photo').click();
      await page.getByTestId('compare-file').setInputFiles({
        name: 'photo.jpg',
        mimeType: 'image/jpeg',
        buffer: await sharp(pictures[1]).resize(400).jpeg().toBuffer(),
      });
      await page.getByRole('button', { name: 'Compare', exact: true }).click();
      await page
        .getByTestId('compare-summary')
        .filter({ hasText: /^1 face found in the photo/ })
        .waitFor();
      const matches = page.getByTestId('compare-match');
      expect(await matches.count()).toBeGreaterThanOrEqual(1);
      expect(await matches.first().getByTestId('face-crop').getAttribute('data-revealed')).toBe('false');
      await matches.first().getByRole('button', { name: 'Why result 1 matches' }).click();
      const why = page.getByTestId('compare-explanation');
      expect(await why.getByRole('img', { name: 'Blurred searched photo' }).count()).toBe(1);
      expect(await why.getByTestId('face-crop').count()).toBe(1);
      await screenshot(page, 'faces-05-compare');

      // Text search: the sign is found with the words highlighted and the language as a clue.
      await mainMenu(page, 'Text search').click();
      await page.getByLabel('Text visible in the image').fill('bakery sunday');
      const hit = page.getByTestId('text-hit');
      await until(page, hit, () => page.getByRole('button', { name: 'Search', exact: true }).click());
      expect(await hit.count()).toBe(1);
      expect(await hit.locator('mark').allTextContents()).toEqual(
        expect.arrayContaining([expect.stringMatching(/^bakery$/i), expect.stringMatching(/^sunday$/i)]),
      );
      expect(await hit.getByTestId('text-hit-clue').textContent()).toMatch(
        /^Latin script, language English \(written mainly in GB, /,
      );
      expect(await hit.locator('figure.preview').getAttribute('data-revealed')).toBe('false');
      await hit.getByRole('button', { name: 'Why result 1 matches' }).click();
      const recognised = page.getByTestId('recognised-text');
      await recognised.waitFor();
      expect(await recognised.textContent()).toMatch(/Fresh bread for the street/);
      expect(await recognised.locator('mark').count()).toBeGreaterThanOrEqual(2);
      await screenshot(page, 'faces-06-text');
    } finally {
      await server.stop();
    }
  }, 240_000);
});

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { freshDataDir } from './support/haven-fixture.js';
import { pictureJpeg } from './support/images.js';
import { sharedPath } from './support/shared-data.js';
import { onPostgres } from './support/test-database.js';
import { screenshot } from './support/browser.js';
import { firstSignIn } from './support/web-session.js';
import { e2eBrowser } from './support/web-e2e.js';
import { seriesFromUpload } from './support/web-workspace.js';
import {
  adminCreateAgency,
  adminCreateUser,
  startHavenProcess,
  type HavenProcess,
} from './support/haven-server-process.js';

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** A benign test image as the JPEG a camera would give (the upload helper names files .jpg). */
async function asJpeg(...parts: string[]): Promise<Buffer> {
  return sharp(readFileSync(sharedPath('testdata', ...parts)))
    .jpeg({ quality: 95 })
    .toBuffer();
}

/**
 * From a clue rectangle to other images of the same object, in real Chromium against a real
 * `haven serve` (its job workers extract the features the search waits for). pglite project only.
 */
describe.runIf(!onPostgres())('object search in Chromium', () => {
  const e2e = e2eBrowser('haven-web-similar-');
  const newPage = (): Promise<Page> => e2e.newPage({ viewport: { width: 1280, height: 900 } });

  it('a specialist marks an object with a clue and finds the other image of it, with the matched pairs', async () => {
    const dataDir = freshDataDir();
    await adminCreateAgency(dataDir, 'Agency West', 'FR');
    const password = await adminCreateUser(dataDir, {
      agency: 'Agency West',
      username: 'sofia',
      displayName: 'Sofia West',
      roles: 'investigator',
    });
    // The object alone, the same object in a cluttered scene, and an unrelated generated picture.
    const box = await asJpeg('object', 'box', 'box.png');
    const boxInScene = await asJpeg('object', 'box', 'box_in_scene.png');
    const unrelated = await pictureJpeg(9701);
    const boxSize = await sharp(box).metadata();
    let server: HavenProcess | undefined;
    try {
      server = await startHavenProcess(dataDir, e2e.webDir());
      const page = await newPage();
      await firstSignIn(page, server.url, 'sofia', password);
      await seriesFromUpload(page, {
        reference: 'WEST-OBJ',
        seed: 9701,
        files: 3,
        pictures: [box, boxInScene, unrelated],
        series: [{ title: 'Object series', files: [1, 2, 3] }],
      });

      // The clue: typed in pixels of the original (the keyboard alternative to dragging).
      await page
        .getByRole('combobox', { name: /^Image\b/ })
        .selectOption({ label: `image ${sha256(box).slice(0, 12)}` });
      const margin = 8;
      await page.getByRole('spinbutton', { name: /^Left edge/ }).fill(String(margin));
      await page.getByRole('spinbutton', { name: /^Top edge/ }).fill(String(margin));
      await page.getByRole('spinbutton', { name: /^Width/ }).fill(String(boxSize.width - 2 * margin));
      await page.getByRole('spinbutton', { name: /^Height/ }).fill(String(boxSize.height - 2 * margin));
      await page.getByTestId('clue-draft').waitFor();
      await page.getByLabel('Kind of clue').selectOption('packaging');
      await page.getByLabel('Clue note').fill('Printed cardboard box');
      await page.getByRole('button', { name: 'Save clue' }).click();
      await page.getByText('Clue saved.').waitFor();
      await screenshot(page, 'similar-01-clue');

      await page.getByRole('link', { name: /^Find this object/ }).click();
      await page.getByRole('heading', { name: 'Same object elsewhere' }).waitFor();
      // Features of the new images are extracted by the job workers; the page searches again meanwhile.
      const results = page.getByRole('list', { name: 'Similar images, best first' });
      await results.waitFor({ timeout: 90_000 });
      await screenshot(page, 'similar-02-results');
      const first = page.getByTestId('similar-result').first();
      expect(await first.getByRole('link').first().textContent()).toBe(sha256(boxInScene).slice(0, 16));
      expect(
        Number(/(\d+) of/.exec((await first.getByTestId('similar-inliers').textContent())!)![1]),
      ).toBeGreaterThanOrEqual(12);
      expect(await page.getByTestId('similar-probe').textContent()).toContain(
        `in ${boxSize.width - 2 * margin}×${boxSize.height - 2 * margin} pixels at ${margin},${margin}`,
      );
      // The unrelated picture is not reported.
      const listed = await page.getByTestId('similar-result').getByRole('link').allTextContents();
      expect(listed).not.toContain(sha256(unrelated).slice(0, 16));
      // Previews are blurred until revealed.
      expect(await first.locator('figure.preview').getAttribute('data-revealed')).toBe('false');

      // The explanation: both images side by side, blurred, with one line per matched pair.
      await first.getByRole('button', { name: 'Why result 1 matches' }).click();
      const drawing = page.getByTestId('similar-explanation');
      await drawing.waitFor();
      expect(await drawing.getAttribute('aria-label')).toMatch(
        /^Blurred searched image and result side by side/,
      );
      const lines = await drawing.locator('line').count();
      expect(lines).toBeGreaterThanOrEqual(12);
      for (const image of await drawing.locator('image').all()) {
        expect(await image.getAttribute('href')).toContain('variant=blurred');
      }
      // Every line starts inside the searched image and ends inside the result, scaled to the drawing.
      const queryImageWidth = Number(await drawing.locator('image').first().getAttribute('width'));
      for (const line of await drawing.locator('line').all()) {
        expect(Number(await line.getAttribute('x1'))).toBeLessThanOrEqual(queryImageWidth);
        expect(Number(await line.getAttribute('x2'))).toBeGreaterThan(queryImageWidth);
      }
      await screenshot(page, 'similar-03-explanation-blurred');
      await page.getByRole('button', { name: 'Reveal both images' }).click();
      await drawing.and(page.getByRole('img', { name: /^Revealed searched image/ })).waitFor();
      await screenshot(page, 'similar-04-explanation-revealed');
      await page.getByRole('button', { name: 'Hide both images' }).click();
      await drawing.and(page.getByRole('img', { name: /^Blurred searched image/ })).waitFor();
      for (const image of await drawing.locator('image').all()) {
        expect(await image.getAttribute('href')).toContain('variant=blurred');
      }
      await screenshot(page, 'similar-04a-explanation-hidden');

      // Pictures that only look alike are listed apart, after the matches, never among them.
      const unconfirmed = page.getByTestId('similar-unconfirmed');
      for (let attempt = 0; attempt < 30 && !(await unconfirmed.isVisible()); attempt += 1) {
        // The unrelated picture's descriptors may still be computed in the background.
        await page.getByRole('button', { name: 'Search again' }).click();
        await page.getByRole('button', { name: 'Search again' }).and(page.locator(':enabled')).waitFor();
        await page.waitForTimeout(1000);
      }
      const candidate = unconfirmed.getByTestId('similar-candidate').first();
      expect(await candidate.getByRole('link').first().textContent()).toBe(sha256(unrelated).slice(0, 16));
      expect(await candidate.getByRole('heading').textContent()).toMatch(/not confirmed/);
      expect(await candidate.locator('figure.preview').getAttribute('data-revealed')).toBe('false');
      await screenshot(page, 'similar-04b-unconfirmed');

      // From the result's medium page, a whole-image search for the same place runs too.
      await first.getByRole('link').first().click();
      await page.getByRole('link', { name: 'Find similar places' }).click();
      await page.getByRole('heading', { name: 'Similar places' }).waitFor();
      await page.getByTestId('similar-probe').waitFor({ timeout: 90_000 });
      expect(await page.getByTestId('similar-probe').textContent()).toMatch(
        /Searched with [1-9]\d* keypoints of a 512×384 image/,
      );
      await screenshot(page, 'similar-05-places');
    } finally {
      await server?.stop();
    }
  }, 300_000);
});

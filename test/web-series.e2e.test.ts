import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { freshDataDir } from './support/haven-fixture.js';
import { pictureJpeg } from './support/images.js';
import { onPostgres } from './support/test-database.js';
import { screenshot } from './support/browser.js';
import { firstSignIn } from './support/web-session.js';
import { e2eBrowser, westAndEast } from './support/web-e2e.js';
import { startHavenProcess, type HavenProcess } from './support/haven-server-process.js';

/**
 * Series in the browser, across two agencies, against a real `haven serve` process in real
 * Chromium. Runs in the pglite project only, like the other e2e test: the API tests cover both
 * databases.
 */
describe.runIf(!onPostgres())('series in Chromium', () => {
  const e2e = e2eBrowser('haven-web-series-');
  const newPage = e2e.newPage;

  it('agency A builds a series from a triage, moves it on, shares it and mentions agency B, who answers', async () => {
    const dataDir = freshDataDir();
    const { annaPassword, benPassword } = await westAndEast(dataDir);
    let server: HavenProcess | undefined;
    try {
      server = await startHavenProcess(dataDir, e2e.webDir());
      const { url } = server;

      // Anna uploads three generated pictures into a case and processes them.
      const anna = await newPage();
      await firstSignIn(anna, url, 'anna', annaPassword);
      await anna.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cases' }).click();
      await anna.getByLabel('Reference').fill('WEST-7');
      await anna.getByRole('button', { name: 'Open case' }).click();
      await anna.getByRole('link', { name: 'Upload material' }).click();
      const pictures = await Promise.all([1, 2, 3].map((seed) => pictureJpeg(7300 + seed)));
      await anna.getByTestId('file-input').setInputFiles(
        pictures.map((buffer, index) => ({
          name: `scene-${index + 1}.jpg`,
          mimeType: 'image/jpeg',
          buffer,
        })),
      );
      await anna.getByRole('button', { name: 'Upload', exact: true }).click();
      await anna.getByRole('button', { name: 'Start processing' }).click();
      await anna.getByTestId('ingest-state').filter({ hasText: 'done' }).waitFor({ timeout: 60_000 });

      // From the triage: a series of two of the three files.
      await anna.getByLabel('Series title (neutral)').fill('Blue room series');
      await anna.getByLabel('Include upload/scene-3.jpg (new)').uncheck();
      await screenshot(anna, 'series-01-create-from-triage');
      await anna.getByRole('button', { name: 'Create series' }).click();
      await anna.getByRole('heading', { name: /^Series \S+/ }).waitFor();
      const seriesUrl = anna.url();
      const seriesNumber = (await anna.locator('#page-title').textContent())!.replace(/^Series /, '');
      expect(await anna.getByTestId('series-status').textContent()).toBe('found');
      const media = anna.getByRole('list', { name: 'Media of the series' });
      await media.locator('figure.preview img').nth(1).waitFor();
      expect(await media.locator('li').count()).toBe(2);
      expect(await anna.locator('figure.preview[data-revealed="true"]').count()).toBe(0);
      expect(await media.locator('img').first().getAttribute('src')).toContain('variant=blurred');

      // The workflow: any step forward, then one step back only with a reason.
      await anna.getByLabel('Move to status').selectOption('analysed');
      await anna.getByRole('button', { name: 'Change status' }).click();
      await anna
        .getByTestId('series-status')
        .filter({ hasText: /^analysed$/ })
        .waitFor();
      const choices = await anna.getByLabel('Move to status').locator('option').allTextContents();
      expect(choices).toEqual([
        'country identified',
        'disseminated',
        'local investigation',
        'victim identified',
        'back to compared',
      ]);
      await anna.getByLabel('Move to status').selectOption('compared');
      await anna
        .getByLabel('Why it goes back (required)')
        .fill('Comparison against the hash sets not finished');
      await anna.getByRole('button', { name: 'Change status' }).click();
      await anna
        .getByTestId('series-status')
        .filter({ hasText: /^compared$/ })
        .waitFor();
      await anna.getByRole('button', { name: 'Mark offender identified' }).click();
      await anna.getByRole('button', { name: 'Mark offender not identified' }).waitFor();
      const history = await anna
        .getByRole('table', { name: 'History of the series' })
        .locator('tbody tr')
        .allTextContents();
      expect(history.join('\n')).toContain('Comparison against the hash sets not finished');

      // A visual clue: a rectangle dragged over the (blurred) image, saved in pixels of the original.
      const clueImage = anna.getByRole('img', { name: /^Blurred image for clues/ });
      await clueImage.waitFor();
      const surface = anna.getByTestId('clue-surface');
      await surface.scrollIntoViewIfNeeded();
      const area = (await surface.boundingBox())!;
      const drag = async (from: [number, number], to: [number, number]): Promise<void> => {
        await anna.mouse.move(area.x + area.width * from[0], area.y + area.height * from[1]);
        await anna.mouse.down();
        await anna.mouse.move(area.x + area.width * to[0], area.y + area.height * to[1], { steps: 6 });
        await anna.mouse.up();
        await anna.getByTestId('clue-draft').waitFor();
      };
      await drag([0.2, 0.3], [0.5, 0.7]);
      await anna.getByLabel('Kind of clue').selectOption('electrical_fitting');
      await anna.getByLabel('Clue note').fill('Two-pin wall socket');
      await anna.getByRole('button', { name: 'Save clue' }).click();
      await anna.getByText('Clue saved.').waitFor();
      const clueRows = anna.getByRole('table', { name: 'Clues of the series' }).locator('tbody tr');
      await clueRows.first().waitFor();
      const clueText = (await clueRows.first().textContent())!;
      expect(clueText).toContain('electrical fitting');
      expect(clueText).toContain('Two-pin wall socket');
      const { width: imageWidth, height: imageHeight } = await sharp(pictures[0]).metadata();
      const areaText = (await clueRows.first().locator('td').nth(3).textContent())!;
      const [w, h, x, y] = /^(\d+)×(\d+) at (\d+),(\d+)$/.exec(areaText)!.slice(1).map(Number);
      // Within 2 % of the image: the pointer lands on whole CSS pixels of a scaled-down display.
      expect(Math.abs(x! - 0.2 * imageWidth)).toBeLessThan(imageWidth * 0.02);
      expect(Math.abs(y! - 0.3 * imageHeight)).toBeLessThan(imageHeight * 0.02);
      expect(Math.abs(w! - 0.3 * imageWidth)).toBeLessThan(imageWidth * 0.02);
      expect(Math.abs(h! - 0.4 * imageHeight)).toBeLessThan(imageHeight * 0.02);
      expect(await anna.locator('.clue-box:not(.is-draft)').count()).toBe(1);
      // A second one drawn from bottom-right to top-left, then deleted.
      await drag([0.9, 0.9], [0.7, 0.75]);
      await anna.getByLabel('Kind of clue').selectOption('other');
      await anna.getByLabel('Clue note').fill('drawn by mistake');
      await anna.getByRole('button', { name: 'Save clue' }).click();
      await clueRows.nth(1).waitFor();
      await screenshot(anna, 'series-02b-clues');
      await anna.getByRole('button', { name: 'Delete clue other drawn by mistake' }).click();
      await anna.getByRole('cell', { name: 'drawn by mistake', exact: true }).waitFor({ state: 'detached' });
      expect(await clueRows.count()).toBe(1);
      expect(await anna.locator('figure.preview[data-revealed="true"]').count()).toBe(0);

      // Shared with Agency East, then a comment that mentions it.
      await anna.getByLabel('Selected agencies').check();
      await anna.getByLabel('Agency East (PL)').check();
      await anna.getByRole('button', { name: 'Save sharing' }).click();
      await anna.getByText('Sharing saved.').waitFor();
      await anna
        .getByLabel('Your comment or lead')
        .fill('The wallpaper pattern may be sold in your country.');
      await anna.getByLabel('@Agency East (PL)').check();
      await anna.getByRole('button', { name: 'Post' }).click();
      await anna.getByRole('list', { name: 'Comments' }).getByText('The wallpaper pattern').waitFor();
      await screenshot(anna, 'series-02-detail-owner');

      // Ben (Agency East) is told, opens the series from the notification and answers.
      const ben = await newPage();
      await firstSignIn(ben, url, 'ben', benPassword);
      await ben.locator('a.notification-badge[aria-label="Notifications: 1 unread"]').waitFor();
      await screenshot(ben, 'series-03-badge');
      await ben.locator('a.notification-badge').click();
      const mention = ben.getByRole('link', {
        name: `Agency West mentioned your agency on series ${seriesNumber}`,
      });
      await mention.waitFor();
      await screenshot(ben, 'series-04-notifications');
      await mention.click();
      await ben.getByRole('heading', { name: `Series ${seriesNumber}` }).waitFor();
      // Not the owner: no workflow or sharing controls, but the thread and the blurred media.
      expect(await ben.getByRole('button', { name: 'Change status' }).count()).toBe(0);
      expect(await ben.getByRole('button', { name: 'Save sharing' }).count()).toBe(0);
      await ben.getByRole('list', { name: 'Comments' }).getByText('The wallpaper pattern').waitFor();
      await ben.getByLabel('Your comment or lead').fill('Checking with the manufacturer here.');
      await ben.getByLabel('This is a lead').check();
      await ben.getByRole('button', { name: 'Post' }).click();
      await ben.getByRole('list', { name: 'Comments' }).getByText('Checking with the manufacturer').waitFor();
      await screenshot(ben, 'series-05-detail-other-agency');
      await ben.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Series' }).click();
      await ben.getByRole('link', { name: seriesNumber }).waitFor();
      await ben.getByLabel("Only my agency's series").check();
      await ben.getByText('No series match these filters.').waitFor();

      // Anna sees the answer, and is told of it.
      await anna.goto(seriesUrl);
      await anna
        .getByRole('list', { name: 'Comments' })
        .getByText('Checking with the manufacturer')
        .waitFor();
      await anna.locator('a.notification-badge:not([aria-label="Notifications: 0 unread"])').waitFor();
      await anna.locator('a.notification-badge').click();
      await anna.getByRole('link', { name: `Agency East added a lead on series ${seriesNumber}` }).waitFor();
      await anna.getByRole('button', { name: 'Mark all read' }).click();
      await anna.locator('a.notification-badge[aria-label="Notifications: 0 unread"]').waitFor();
      await anna.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Series' }).click();
      await anna.getByLabel('Status').selectOption('compared');
      await anna.getByRole('link', { name: seriesNumber }).waitFor();
      await anna.getByLabel('Status').selectOption('victim_identified');
      await anna.getByText('No series match these filters.').waitFor();
      await screenshot(anna, 'series-06-list');

      // The statistics dashboard counts what the two agencies did.
      await anna.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Statistics' }).click();
      expect(await anna.getByTestId('stats-media').textContent()).toContain('3 (3 images, 0 videos)');
      expect(await anna.getByTestId('stats-series').textContent()).toMatch(/^1 \(0 with/);
      const perAgency = await anna
        .getByRole('list', { name: 'Series per agency' })
        .locator('li')
        .allTextContents();
      expect(perAgency.find((row) => row.includes('Agency West (FR)'))).toContain('1 series');
      await screenshot(anna, 'series-07-statistics');
    } finally {
      await server?.stop();
    }
  }, 300_000);
});

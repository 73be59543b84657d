import { describe, expect, it } from 'vitest';
import { freshDataDir } from './support/haven-fixture.js';
import { pictureJpeg } from './support/images.js';
import { onPostgres } from './support/test-database.js';
import { screenshot } from './support/browser.js';
import { firstSignIn } from './support/web-session.js';
import { e2eBrowser, westAndEast } from './support/web-e2e.js';
import { seriesFromUpload } from './support/web-workspace.js';
import { pictureWithGps } from './support/workspace.js';
import { startHavenProcess, type HavenProcess } from './support/haven-server-process.js';

/**
 * Locations in the browser: the owner (Agency West) records the probable country with confidence
 * and evidence and a known place with coordinates, Agency East adds a place in words; the GPS
 * position read from a picture's EXIF shows with its country on the series and the medium's page
 * (offline borders). pglite project only.
 */
describe.runIf(!onPostgres())('series locations in Chromium', () => {
  const e2e = e2eBrowser('haven-web-locations-');
  const newPage = e2e.newPage;

  it('the owner records country and places, another agency adds one, GPS shows its country', async () => {
    const dataDir = freshDataDir();
    const { annaPassword, benPassword } = await westAndEast(dataDir);
    let server: HavenProcess | undefined;
    try {
      server = await startHavenProcess(dataDir, e2e.webDir());
      const { url } = server;
      const anna = await newPage();
      await firstSignIn(anna, url, 'anna', annaPassword);
      // Lisbon, from a camera's EXIF; the second picture carries no position.
      const pictures = [await pictureWithGps(9301, 38.7223, -9.1393), await pictureJpeg(9302)];
      const {
        urls: [seriesUrl],
      } = await seriesFromUpload(anna, {
        reference: 'WEST-L',
        seed: 9301,
        files: 2,
        pictures,
        series: [{ title: 'Harbour series', files: [1, 2] }],
      });
      await anna.getByLabel('Selected agencies').check();
      await anna.getByLabel('Agency East (PL)').check();
      await anna.getByRole('button', { name: 'Save sharing' }).click();
      await anna.getByText('Sharing saved.').waitFor();

      const gpsRows = anna.getByRole('table', { name: 'GPS positions' }).locator('tbody tr');
      await gpsRows.first().waitFor();
      expect(await gpsRows.count()).toBe(1);
      expect(await gpsRows.first().textContent()).toContain('38.7223, -9.1393');
      expect(await gpsRows.first().textContent()).toContain('Portugal');

      // The probable country, then a place with coordinates (their country resolved offline).
      const country = anna.getByRole('form', { name: 'Probable country of production' });
      await country.getByLabel('Country (ISO code, e.g. PT)').fill('pt');
      await country.getByLabel('Confidence').selectOption('high');
      await country.getByLabel('Evidence behind it').fill('Socket type F; tiles; GPS of one picture');
      await country.getByRole('button', { name: 'Save probable country' }).click();
      const probable = anna.getByTestId('probable-country');
      await probable.filter({ hasText: 'high' }).waitFor();
      expect(await probable.textContent()).toContain('PT');
      expect(await probable.textContent()).toContain('Socket type F; tiles; GPS of one picture');
      expect((await anna.locator('dl.facts').first().textContent())!).toContain('PT, high confidence');

      const placeForm = anna.getByRole('form', { name: 'Add a known place' });
      // Half a position is refused before it is sent.
      await placeForm
        .getByLabel('Place (what is known, in words)')
        .fill('Harbour front seen through the window');
      await placeForm.getByLabel('Latitude (optional)').fill('41.1579');
      await placeForm.getByRole('alert').waitFor();
      expect(await placeForm.getByRole('button', { name: 'Add place' }).isDisabled()).toBe(true);
      await placeForm.getByLabel('Longitude (optional)').fill('-8.6291');
      await placeForm.getByLabel('Seen in image (optional)').selectOption({ index: 1 });
      await placeForm.getByRole('button', { name: 'Add place' }).click();
      const places = anna.getByRole('list', { name: 'Known places' });
      await places.getByText(/Harbour front seen through the window \(PT\) · 41\.1579, -8\.6291/).waitFor();
      await screenshot(anna, 'locations-01-owner');

      // Ben (East) adds a place in words; he cannot set the country.
      const ben = await newPage();
      await firstSignIn(ben, url, 'ben', benPassword);
      await ben.goto(seriesUrl!);
      await ben.getByRole('heading', { name: /^Series / }).waitFor();
      expect(await ben.getByRole('form', { name: 'Probable country of production' }).count()).toBe(0);
      const benForm = ben.getByRole('form', { name: 'Add a known place' });
      await benForm.getByLabel('Place (what is known, in words)').fill('Ferry timetable of a river crossing');
      await benForm.getByRole('button', { name: 'Add place' }).click();
      await ben
        .getByRole('list', { name: 'Known places' })
        .getByText('Ferry timetable of a river crossing')
        .waitFor();
      // Only his own place can be removed by him.
      expect(await ben.getByRole('button', { name: /^Remove place/ }).count()).toBe(1);
      await screenshot(ben, 'locations-02-other-agency');

      // The owner sees it, removes it, and opens the medium with the GPS position.
      await anna.reload();
      await places.getByText('Ferry timetable of a river crossing').waitFor();
      await anna.getByRole('button', { name: 'Remove place Ferry timetable of a river crossing' }).click();
      await places.getByText('Ferry timetable of a river crossing').waitFor({ state: 'detached' });
      // A visual clue entered with the keyboard only (the accessible alternative to dragging).
      const clueForm = anna.getByRole('form', { name: 'New clue' });
      await clueForm.getByLabel('Left edge').focus();
      await anna.keyboard.type('12');
      await anna.keyboard.press('Tab');
      await anna.keyboard.type('20');
      await anna.keyboard.press('Tab');
      await anna.keyboard.type('99999');
      await anna.keyboard.press('Tab');
      await anna.keyboard.type('40');
      // Wider than the image: nothing to save yet.
      expect(await clueForm.getByRole('button', { name: 'Save clue' }).isDisabled()).toBe(true);
      await clueForm.getByLabel('Width').fill('');
      await clueForm.getByLabel('Width').focus();
      await anna.keyboard.type('30');
      await anna.getByTestId('clue-draft').waitFor();
      await clueForm.getByLabel('Width').press('ArrowUp');
      expect(await clueForm.getByText('Marked 31×40 pixels.').count()).toBe(1);
      await clueForm.getByLabel('Kind of clue').selectOption('text');
      await clueForm.getByLabel('Clue note').fill('Shop sign, typed in');
      await clueForm.getByLabel('Clue note').press('Enter');
      await anna.getByText('Clue saved.').waitFor();
      const clueRow = anna.getByRole('table', { name: 'Clues of the series' }).locator('tbody tr').first();
      await clueRow.waitFor();
      expect(await clueRow.locator('td').nth(3).textContent()).toBe('31×40 at 12,20');
      expect(await clueForm.getByLabel('Left edge').inputValue()).toBe('');

      const withGps = (await gpsRows.first().locator('code').textContent())!;
      await anna.getByRole('link', { name: `Details of image ${withGps}` }).click();
      const gps = anna.getByTestId('gps');
      await gps.waitFor();
      expect(await gps.textContent()).toMatch(
        /^GPS position: 38\.7223\d*, -9\.1393\d* · in Portugal \(PT\)$/,
      );
      await screenshot(anna, 'locations-03-media-gps');
    } finally {
      await server?.stop();
    }
  }, 400_000);
});

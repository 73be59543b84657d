import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { freshDataDir } from './support/haven-fixture.js';
import { pictureJpeg } from './support/images.js';
import { onPostgres } from './support/test-database.js';
import { screenshot } from './support/browser.js';
import { zipEntries } from './support/unzip.js';
import { firstSignIn } from './support/web-session.js';
import { e2eBrowser, westAndEast } from './support/web-e2e.js';
import { mainMenu } from './support/web-workspace.js';
import {
  adminCreateAgency,
  adminCreateUser,
  startHavenProcess,
  type HavenProcess,
} from './support/haven-server-process.js';

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/**
 * A taskforce sprint in the browser against a real `haven serve` process: Agency West owns two
 * series (one shared with every member agency, one with selected agencies), the taskforce's
 * coordinator runs the sprint, Agency East and Agency West evaluate, the coordinator downloads the
 * package for the country found and the report. pglite project only, like the other e2e tests.
 */
describe.runIf(!onPostgres())('taskforce sprint in Chromium', () => {
  const e2e = e2eBrowser('haven-web-taskforce-');
  const newPage = (): Promise<Page> => e2e.newPage({ acceptDownloads: true });
  const menu = mainMenu;

  async function recordOutcome(
    page: Page,
    seriesNumber: string,
    country: string,
    note: string,
  ): Promise<void> {
    await menu(page, 'Taskforce').click();
    await page.getByRole('link', { name: 'VIDTF November' }).click();
    const form = page.getByRole('form', { name: `Outcome for series ${seriesNumber}` });
    await form.getByLabel('Outcome').selectOption('country_found');
    await form.getByLabel(/^Probable country of production/).fill(country);
    await form.getByLabel('Evidence and notes').fill(note);
    await form.getByRole('button', { name: 'Record outcome' }).click();
    await page
      .getByRole('table', { name: 'Series in the sprint' })
      .getByRole('row')
      .filter({ hasText: seriesNumber })
      .filter({ hasText: 'country found' })
      .waitFor();
  }

  it('a coordinator runs a sprint over two agencies and downloads the package and the report', async () => {
    const dataDir = freshDataDir();
    const { annaPassword, benPassword } = await westAndEast(dataDir);
    await adminCreateAgency(dataDir, 'VIDTF', 'NL');
    const coraPassword = await adminCreateUser(dataDir, {
      agency: 'VIDTF',
      username: 'cora',
      displayName: 'Cora Taskforce',
      roles: 'taskforce_coordinator,investigator',
    });
    let server: HavenProcess | undefined;
    try {
      server = await startHavenProcess(dataDir, e2e.webDir());
      const { url } = server;

      // Anna: a case shared with every member agency, three pictures, two series from the triage.
      const anna = await newPage();
      await firstSignIn(anna, url, 'anna', annaPassword);
      await menu(anna, 'Cases').click();
      await anna.getByLabel('Reference').fill('WEST-TF');
      await anna.getByRole('button', { name: 'Open case' }).click();
      await anna.getByLabel('Every member agency').check();
      await anna.getByRole('button', { name: 'Save sharing' }).click();
      await anna.getByText('Sharing saved.').waitFor();
      await anna.getByRole('link', { name: 'Upload material' }).click();
      const pictures = await Promise.all([1, 2, 3].map((seed) => pictureJpeg(8100 + seed)));
      await anna.getByTestId('file-input').setInputFiles(
        pictures.map((buffer, index) => ({
          name: `room-${index + 1}.jpg`,
          mimeType: 'image/jpeg',
          buffer,
        })),
      );
      await anna.getByRole('button', { name: 'Upload', exact: true }).click();
      await anna.getByRole('button', { name: 'Start processing' }).click();
      await anna.getByTestId('ingest-state').filter({ hasText: 'done' }).waitFor({ timeout: 60_000 });
      const ingestUrl = anna.url();
      const seriesFromTriage = async (title: string, leaveOut: string[]): Promise<string> => {
        await anna.getByLabel('Series title (neutral)').fill(title);
        for (const file of leaveOut) {
          await anna.getByLabel(`Include upload/${file} (new)`).uncheck();
        }
        await anna.getByRole('button', { name: 'Create series' }).click();
        await anna.getByRole('heading', { name: /^Series \S+/ }).waitFor();
        return (await anna.locator('#page-title').textContent())!.replace(/^Series /, '');
      };
      const bedroom = await seriesFromTriage('Bedroom series', ['room-3.jpg']);
      await anna.getByLabel('Every member agency').check();
      await anna.getByRole('button', { name: 'Save sharing' }).click();
      await anna.getByText('Sharing saved.').waitFor();
      await anna.goto(ingestUrl);
      const kitchen = await seriesFromTriage('Kitchen series', ['room-1.jpg', 'room-2.jpg']);
      await anna.getByLabel('Selected agencies').check();
      await anna.getByLabel('VIDTF (NL)').check();
      await anna.getByLabel('Agency East (PL)').check();
      await anna.getByRole('button', { name: 'Save sharing' }).click();
      await anna.getByText('Sharing saved.').waitFor();

      // Cora starts the sprint with both agencies and assigns one series to each.
      const cora = await newPage();
      await firstSignIn(cora, url, 'cora', coraPassword);
      await menu(cora, 'Taskforce').click();
      await cora.getByText('Your agency takes part in no taskforce sprint yet.').waitFor();
      await cora.getByLabel('Sprint name').fill('VIDTF November');
      await cora.getByLabel('Starts on').fill('2026-11-02');
      await cora.getByLabel('Ends on').fill('2026-11-13');
      await cora.getByLabel('Agency West (FR)').check();
      await cora.getByLabel('Agency East (PL)').check();
      await screenshot(cora, 'taskforce-01-new-sprint');
      await cora.getByRole('button', { name: 'Start sprint' }).click();
      await cora.getByRole('heading', { name: 'Sprint VIDTF November' }).waitFor();
      const participants = (await cora.getByTestId('sprint-agencies').textContent())!.split(', ').sort();
      expect(participants).toEqual(['Agency East (PL)', 'Agency West (FR)', 'VIDTF (NL)']);
      const assign = async (seriesNumber: string, agency: string): Promise<void> => {
        const option = cora.getByLabel('Unidentified series').locator('option', { hasText: seriesNumber });
        await cora.getByLabel('Unidentified series').selectOption(await option.getAttribute('value'));
        await cora.getByLabel('Evaluated by').selectOption({ label: agency });
        await cora.getByRole('button', { name: 'Assign', exact: true }).click();
        await cora.getByText(`Series ${seriesNumber} assigned to ${agency}.`).waitFor();
      };
      await assign(bedroom, 'Agency East (PL)');
      await assign(kitchen, 'Agency West (FR)');
      const rows = cora.getByRole('table', { name: 'Series in the sprint' }).locator('tbody tr');
      // The table reloads after the confirmation shows.
      await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(2);
      expect((await cora.getByTestId('assignment-outcome').allTextContents()).sort()).toEqual([
        'pending',
        'pending',
      ]);
      expect(await cora.getByTestId('report-assigned').textContent()).toBe('2');
      // Both series are in the sprint: nothing left to offer.
      await cora
        .getByText('Every unidentified series shared with your agency is already in this sprint.')
        .waitFor();
      await screenshot(cora, 'taskforce-02-assigned');

      // Ben (East) evaluates the bedroom series; a participant sees no package controls.
      const ben = await newPage();
      await firstSignIn(ben, url, 'ben', benPassword);
      await recordOutcome(ben, bedroom, 'pt', 'Type F socket and a regional cereal brand');
      expect(await ben.getByRole('form', { name: `Outcome for series ${kitchen}` }).count()).toBe(0);
      expect(await ben.getByRole('link', { name: /^Download package/ }).count()).toBe(0);
      expect(await ben.getByRole('heading', { name: 'Assign a series' }).count()).toBe(0);
      await screenshot(ben, 'taskforce-03-participant-outcome');

      // Anna (West) evaluates the kitchen series.
      await recordOutcome(anna, kitchen, 'PT', 'Tiles sold only in Portugal');

      // Cora: the report counts both, the package for PT downloads as a zip.
      await cora.reload();
      await cora.getByRole('heading', { name: 'Sprint VIDTF November' }).waitFor();
      await cora.getByTestId('report-evaluated').filter({ hasText: /^2$/ }).waitFor();
      const countries = await cora
        .getByRole('table', { name: 'Countries found' })
        .locator('tbody tr')
        .allTextContents();
      expect(countries).toHaveLength(1);
      expect(countries[0]).toMatch(/^PT2/);
      await screenshot(cora, 'taskforce-04-report');
      const [zipDownload] = await Promise.all([
        cora.waitForEvent('download'),
        cora.getByRole('link', { name: 'Download package for PT (zip)' }).click(),
      ]);
      expect(zipDownload.suggestedFilename()).toMatch(/^dissemination-PT-\d{4}-\d{2}-\d{2}\.zip$/);
      const entries = await zipEntries(await readFile(await zipDownload.path()));
      const media = [...entries.keys()].filter((name) => name.startsWith('media/')).sort();
      // Only the series shared with every member agency sends its pictures.
      expect(media).toEqual(
        [pictures[0]!, pictures[1]!].map((picture) => `media/${bedroom}/${sha256(picture)}.jpg`).sort(),
      );
      for (const name of media) {
        expect([sha256(pictures[0]!), sha256(pictures[1]!)]).toContain(sha256(entries.get(name)!));
      }
      expect(entries.get('media.csv')!.toString('utf8')).toContain(
        `${kitchen},${sha256(pictures[2]!)},image/jpeg,,`,
      );
      const seriesCsv = entries.get('series.csv')!.toString('utf8');
      expect(seriesCsv).toContain('Type F socket and a regional cereal brand');
      expect(seriesCsv).toContain('Tiles sold only in Portugal');
      expect(entries.get('hashes.csv')!.toString('utf8').trim().split('\r\n')).toHaveLength(4);
      expect(entries.has('hashes.vics.json')).toBe(true);

      const [reportDownload] = await Promise.all([
        cora.waitForEvent('download'),
        cora.getByRole('link', { name: 'Download sprint report' }).click(),
      ]);
      const report = JSON.parse(await readFile(await reportDownload.path(), 'utf8')) as {
        seriesEvaluated: number;
        countriesFound: { country: string; series: number }[];
      };
      expect(report.seriesEvaluated).toBe(2);
      expect(report.countriesFound).toEqual([{ country: 'PT', series: 2 }]);

      await cora.getByRole('button', { name: 'Record package for PT as sent' }).click();
      await cora.getByText(/^Package for PT recorded as sent: /).waitFor();
      await cora.getByTestId('report-disseminated').filter({ hasText: /^2$/ }).waitFor();
      await screenshot(cora, 'taskforce-05-disseminated');

      // Anna's series moved on to disseminated.
      await anna.goto(`${url}/series`);
      await anna.getByRole('link', { name: bedroom }).click();
      await anna
        .getByTestId('series-status')
        .filter({ hasText: /^disseminated$/ })
        .waitFor();
      // The history says where the series came from and which sprint sent it, in words, never
      // with an internal identifier (ingest, sprint).
      const history = anna.getByRole('table', { name: 'History of the series' });
      await history.getByText('Disseminated to PT by the taskforce sprint "VIDTF November"').waitFor();
      await history.getByRole('link', { name: 'from a triage' }).waitFor();
      expect(await history.textContent()).not.toMatch(
        /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/,
      );
    } finally {
      await server?.stop();
    }
  }, 400_000);
});

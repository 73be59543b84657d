import { describe, expect, it } from 'vitest';
import { freshDataDir } from './support/haven-fixture.js';
import { onPostgres } from './support/test-database.js';
import { screenshot } from './support/browser.js';
import { firstSignIn } from './support/web-session.js';
import { e2eBrowser, westAndEast } from './support/web-e2e.js';
import { mainMenu, seriesFromUpload } from './support/web-workspace.js';
import { startHavenProcess, type HavenProcess } from './support/haven-server-process.js';

/**
 * Victims and offenders in the browser: Agency West records a victim who appears in two of its
 * series and an offender, Agency East (which sees one of the series) records that it identified
 * and safeguarded the child, and Agency West sees by whom and when. pglite project only.
 */
describe.runIf(!onPostgres())('victims and offenders in Chromium', () => {
  const e2e = e2eBrowser('haven-web-people-');
  const newPage = e2e.newPage;

  it('agency West records a victim in two series and an offender; agency East identifies the child', async () => {
    const dataDir = freshDataDir();
    const { annaPassword, benPassword } = await westAndEast(dataDir);
    let server: HavenProcess | undefined;
    try {
      server = await startHavenProcess(dataDir, e2e.webDir());
      const { url } = server;

      const anna = await newPage();
      await firstSignIn(anna, url, 'anna', annaPassword);
      const {
        numbers: [garden, attic],
        urls: [gardenUrl],
      } = await seriesFromUpload(anna, {
        reference: 'WEST-P',
        seed: 9100,
        files: 3,
        series: [
          { title: 'Garden series', files: [1, 2] },
          { title: 'Attic series', files: [3] },
        ],
      });
      // Only the garden series is shared with Agency East.
      await anna.goto(gardenUrl!);
      await anna.getByLabel('Selected agencies').check();
      await anna.getByLabel('Agency East (PL)').check();
      await anna.getByRole('button', { name: 'Save sharing' }).click();
      await anna.getByText('Sharing saved.').waitFor();

      // A victim who appears in both series.
      await mainMenu(anna, 'Victims').click();
      await anna.getByText('No victims yet.').waitFor();
      await anna.getByLabel('Pseudonymous code (optional, generated when empty)').fill('V-GARDEN-1');
      await anna.getByLabel('Sex').selectOption('female');
      await anna.getByLabel('Estimated age from').fill('6');
      await anna.getByLabel('Estimated age to').fill('9');
      await anna.getByLabel(`${garden} · Garden series`).check();
      await anna.getByLabel(`${attic} · Attic series`).check();
      await screenshot(anna, 'people-01-new-victim');
      await anna.getByRole('button', { name: 'Record victim' }).click();
      await anna.getByRole('heading', { name: 'Victim V-GARDEN-1' }).waitFor();
      const victimUrl = anna.url();
      const victimSeries = anna.getByRole('list', { name: 'Series of V-GARDEN-1' });
      await victimSeries.getByRole('link', { name: attic! }).waitFor();
      expect((await victimSeries.getByRole('link').allTextContents()).sort()).toEqual([garden, attic].sort());
      // Unlinked from the attic series, then linked again from the victim's page.
      await anna.getByRole('button', { name: `Unlink from ${attic}` }).click();
      await victimSeries.getByRole('link', { name: attic! }).waitFor({ state: 'detached' });
      await anna.getByLabel("Your agency's series").selectOption({ label: `${attic} · Attic series` });
      await anna.getByRole('button', { name: 'Link to series' }).click();
      await victimSeries.getByRole('link', { name: attic! }).waitFor();
      await anna.getByLabel('Notes').fill('Seen in two rooms of the same house');
      await anna.getByRole('button', { name: 'Save victim' }).click();
      await anna.getByText('Victim saved.').waitFor();
      expect(await anna.getByTestId('victim-identified').textContent()).toBe('no');
      await screenshot(anna, 'people-02-victim');

      // An offender in the garden series: identified and arrested.
      await mainMenu(anna, 'Offenders').click();
      await anna.getByLabel('Pseudonymous code (optional, generated when empty)').fill('O-GARDEN-1');
      await anna.getByLabel(`${garden} · Garden series`).check();
      await anna.getByRole('button', { name: 'Record offender' }).click();
      await anna.getByRole('heading', { name: 'Offender O-GARDEN-1' }).waitFor();
      await anna.getByLabel('Offender identified').check();
      await anna.getByLabel('Arrested on').fill('2026-11-20');
      await anna.getByRole('button', { name: 'Save offender' }).click();
      await anna.getByTestId('offender-identified').filter({ hasText: /^yes$/ }).waitFor();
      await anna.getByText('2026-11-20').first().waitFor();

      // Ben sees the victim through the shared series only, and records the identification.
      const ben = await newPage();
      await firstSignIn(ben, url, 'ben', benPassword);
      await mainMenu(ben, 'Victims').click();
      const row = ben
        .getByRole('table', { name: 'Victims' })
        .getByRole('row')
        .filter({ hasText: 'V-GARDEN-1' });
      await row.waitFor();
      expect(await row.getByRole('link', { name: garden! }).count()).toBe(1);
      expect(await row.getByRole('link', { name: attic! }).count()).toBe(0);
      expect(await row.textContent()).toContain('6-9 years');
      expect(await ben.getByRole('heading', { name: 'Record a victim' }).count()).toBe(1);
      await row.getByRole('link', { name: 'V-GARDEN-1' }).click();
      await ben.getByRole('heading', { name: 'Victim V-GARDEN-1' }).waitFor();
      expect(await ben.getByRole('button', { name: 'Save victim' }).count()).toBe(0);
      await ben.getByLabel('Identified on (today when empty)').fill('2026-11-25');
      await ben.getByLabel('Safeguarded on').fill('2026-11-26');
      await ben.getByRole('button', { name: 'Record identification' }).click();
      await ben
        .getByTestId('victim-identified')
        .filter({ hasText: 'by Agency East (PL) on 2026-11-25' })
        .waitFor();
      expect(await ben.getByTestId('victim-safeguarded').textContent()).toBe('2026-11-26');
      expect(await ben.getByRole('button', { name: 'Record identification' }).count()).toBe(0);
      await screenshot(ben, 'people-03-identified-by-other-agency');

      // Anna sees who identified the child and when, on the victim and on the series.
      await anna.goto(victimUrl);
      await anna
        .getByTestId('victim-identified')
        .filter({ hasText: 'by Agency East (PL) on 2026-11-25' })
        .waitFor();
      await mainMenu(anna, 'Victims').click();
      const annaRow = anna
        .getByRole('table', { name: 'Victims' })
        .getByRole('row')
        .filter({ hasText: 'V-GARDEN-1' });
      // Agency names arrive with their own request, after the rows.
      await annaRow.filter({ hasText: 'by Agency East (PL) on 2026-11-25' }).waitFor();
      expect(await annaRow.textContent()).toContain('2026-11-26');
      await screenshot(anna, 'people-04-list');
      await annaRow.getByRole('link', { name: garden! }).click();
      await anna.getByRole('list', { name: 'Victims' }).getByRole('link', { name: 'V-GARDEN-1' }).waitFor();
      expect(await anna.getByRole('list', { name: 'Victims' }).textContent()).toContain('identified');
      await anna.getByRole('list', { name: 'Offenders' }).getByRole('link', { name: 'O-GARDEN-1' }).waitFor();
    } finally {
      await server?.stop();
    }
  }, 400_000);
});

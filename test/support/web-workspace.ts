import type { Page } from 'playwright-core';
import { pictureJpeg } from './images.js';

export const mainMenu = (page: Page, label: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true });

/**
 * In the browser: opens a case, uploads generated pictures (`room-1.jpg`...), processes them and
 * makes one series per entry from the triage, each of the files it names. Returns the series
 * numbers and the pictures.
 */
export async function seriesFromUpload(
  page: Page,
  options: {
    reference: string;
    seed: number;
    files: number;
    series: { title: string; files: number[] }[];
    /** Pictures to upload instead of generated ones (their count must be `files`). */
    pictures?: Buffer[];
  },
): Promise<{ numbers: string[]; urls: string[]; pictures: Buffer[] }> {
  await mainMenu(page, 'Cases').click();
  await page.getByLabel('Reference').fill(options.reference);
  await page.getByRole('button', { name: 'Open case' }).click();
  await page.getByRole('link', { name: 'Upload material' }).click();
  const pictures =
    options.pictures ??
    (await Promise.all(
      Array.from({ length: options.files }, (_, index) => pictureJpeg(options.seed + index)),
    ));
  await page
    .getByTestId('file-input')
    .setInputFiles(
      pictures.map((buffer, index) => ({ name: `room-${index + 1}.jpg`, mimeType: 'image/jpeg', buffer })),
    );
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  await page.getByRole('button', { name: 'Start processing' }).click();
  await page.getByTestId('ingest-state').filter({ hasText: 'done' }).waitFor({ timeout: 60_000 });
  const ingestUrl = page.url();
  const numbers: string[] = [];
  const urls: string[] = [];
  for (const series of options.series) {
    await page.goto(ingestUrl);
    await page.getByLabel('Series title (neutral)').fill(series.title);
    for (let file = 1; file <= options.files; file++) {
      if (!series.files.includes(file)) {
        await page.getByLabel(`Include upload/room-${file}.jpg (new)`).uncheck();
      }
    }
    await page.getByRole('button', { name: 'Create series' }).click();
    await page.getByRole('heading', { name: /^Series \S+/ }).waitFor();
    numbers.push((await page.locator('#page-title').textContent())!.replace(/^Series /, ''));
    urls.push(page.url());
  }
  return { numbers, urls, pictures };
}

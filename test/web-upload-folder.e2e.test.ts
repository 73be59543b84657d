import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import yazl from 'yazl';
import { beforeAll, describe, expect, it } from 'vitest';
import { freshDataDir } from './support/haven-fixture.js';
import { pictureJpeg } from './support/images.js';
import { onPostgres } from './support/test-database.js';
import { tempDir } from './support/temp-dir.js';
import { screenshot } from './support/browser.js';
import { firstSignIn } from './support/web-session.js';
import { agencyWest, e2eBrowser } from './support/web-e2e.js';
import { mainMenu } from './support/web-workspace.js';
import { startHavenProcess, type HavenProcess } from './support/haven-server-process.js';

function zipOf(entries: readonly (readonly [string, Buffer])[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, bytes] of entries) {
    zip.addBuffer(bytes, name);
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    zip.outputStream.on('data', (part: Buffer) => parts.push(part));
    zip.outputStream.on('end', () => {
      resolve(Buffer.concat(parts));
    });
    zip.outputStream.on('error', reject);
  });
}

/**
 * Upload of a nested folder (the folder picker, which walks it like a dropped folder) and of a
 * zip with nested folders dropped on the page: every file keeps its path and is processed.
 * pglite project only.
 */
describe.runIf(!onPostgres())('folder and zip upload in Chromium', () => {
  const e2e = e2eBrowser('haven-web-folder-');
  let folder: string;
  let zip: Buffer;

  beforeAll(async () => {
    const dir = tempDir('haven-web-folder-');
    folder = path.join(dir, 'evidence');
    mkdirSync(path.join(folder, 'holiday', 'deeper'), { recursive: true });
    writeFileSync(path.join(folder, 'holiday', 'a.jpg'), await pictureJpeg(9501));
    writeFileSync(path.join(folder, 'holiday', 'deeper', 'b.jpg'), await pictureJpeg(9502));
    zip = await zipOf([
      ['phone/DCIM/c.jpg', await pictureJpeg(9503)],
      ['phone/d.jpg', await pictureJpeg(9504)],
    ]);
  });

  it('keeps the paths of a nested folder and of a dropped zip, and processes every file', async () => {
    const dataDir = freshDataDir();
    const password = await agencyWest(dataDir);
    let server: HavenProcess | undefined;
    try {
      server = await startHavenProcess(dataDir, e2e.webDir());
      const page = await e2e.newPage();
      await firstSignIn(page, server.url, 'anna', password);
      await mainMenu(page, 'Cases').click();
      await page.getByLabel('Reference').fill('WEST-F');
      await page.getByRole('button', { name: 'Open case' }).click();
      await page.getByRole('link', { name: 'Upload material' }).click();

      // The folder picker hands over the whole tree with relative paths.
      await page.getByLabel('Folder to upload').setInputFiles(folder);
      await page.getByText('evidence/holiday/deeper/b.jpg').waitFor();
      await page.getByText('evidence/holiday/a.jpg').waitFor();

      // A zip dropped on the drop zone (built in the page: a drop carries files, not paths on disk).
      const dataTransfer = await page.evaluateHandle(`(() => {
        const bytes = Uint8Array.from(atob(${JSON.stringify(zip.toString('base64'))}), (c) => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([bytes], 'phone-backup.zip', { type: 'application/zip' }));
        return transfer;
      })()`);
      await page.getByTestId('dropzone').dispatchEvent('dragover', { dataTransfer });
      await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer });
      await page.getByText('phone-backup.zip').waitFor();
      await screenshot(page, 'upload-01-folder-and-zip');

      await page.getByRole('button', { name: 'Upload', exact: true }).click();
      await page.getByRole('button', { name: 'Start processing' }).click();
      await page.getByTestId('ingest-state').filter({ hasText: 'done' }).waitFor({ timeout: 60_000 });
      // The results load after the state says done: wait for all five tiles.
      await page.locator('li.tile').nth(4).waitFor();
      const paths = await page.locator('li.tile .path').allTextContents();
      // The archive is listed as itself, its members under it with their folders.
      expect(paths.sort()).toEqual([
        'upload/evidence/holiday/a.jpg',
        'upload/evidence/holiday/deeper/b.jpg',
        'upload/phone-backup.zip',
        'upload/phone-backup.zip!/phone/DCIM/c.jpg',
        'upload/phone-backup.zip!/phone/d.jpg',
      ]);
      const fresh = await page.locator('li.tile[data-status="new"] .path').allTextContents();
      expect(fresh.filter((p) => p.endsWith('.jpg'))).toHaveLength(4);
      await screenshot(page, 'upload-02-folder-and-zip-triage');
    } finally {
      await server?.stop();
    }
  }, 300_000);
});

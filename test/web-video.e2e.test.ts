import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { freshDataDir } from './support/haven-fixture.js';
import { onPostgres } from './support/test-database.js';
import { tempDir } from './support/temp-dir.js';
import { screenshot } from './support/browser.js';
import { cutClip, ffmpeg, longVideo } from './support/videos.js';
import { firstSignIn } from './support/web-session.js';
import { agencyWest, e2eBrowser } from './support/web-e2e.js';
import { mainMenu } from './support/web-workspace.js';
import { startHavenProcess, type HavenProcess } from './support/haven-server-process.js';

/**
 * Videos in the browser: a generated film is held; a clip cut from it and a still taken from it
 * come in later and the triage shows them near, with similarity and time codes. The film's page
 * shows its contact sheet blurred, its scene-change frames revealed one at a time, plays muted, and
 * lists its own matches with time codes that show the frame and seek the player.
 * pglite project only.
 */
/** "1:02.5" -> 62.5 */
const seconds = (code: string): number => {
  const [minutes, rest] = code.trim().split(':');
  return Number(minutes) * 60 + Number(rest);
};

/** Waits (up to 20 s) for a condition the browser reaches on its own. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    expect(Date.now()).toBeLessThan(deadline);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.runIf(!onPostgres())('videos in Chromium', () => {
  const e2e = e2eBrowser('haven-web-video-');
  let film: Buffer;
  let clip: Buffer;
  let still: Buffer;

  beforeAll(async () => {
    const work = tempDir('haven-web-video-');
    const filmPath = await longVideo(work, { scenes: 3, secondsPerScene: 5, seed: 41 });
    film = readFileSync(filmPath);
    clip = readFileSync(cutClip(filmPath, path.join(work, 'clip.mp4'), { start: 4.3, seconds: 7 }));
    ffmpeg(['-ss', '7.5', '-i', filmPath, '-frames:v', '1', '-q:v', '2', path.join(work, 'still.jpg')]);
    still = readFileSync(path.join(work, 'still.jpg'));
  }, 180_000);

  async function upload(
    page: Page,
    files: { name: string; mimeType: string; buffer: Buffer }[],
  ): Promise<string> {
    await page.getByRole('link', { name: 'Upload material' }).click();
    await page.getByTestId('file-input').setInputFiles(files);
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.getByRole('button', { name: 'Start processing' }).click();
    await page.getByTestId('ingest-state').filter({ hasText: 'done' }).waitFor({ timeout: 120_000 });
    return page.url();
  }

  /** Videos are analysed by the server's jobs after the ingest: the media page says when. */
  async function analysed(page: Page, mediaUrl: string): Promise<void> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      await page.goto(mediaUrl);
      const facts = page.getByRole('region', { name: 'File' });
      await facts.waitFor();
      if ((await facts.textContent())!.includes('Analysisdone')) {
        return;
      }
      expect(Date.now()).toBeLessThan(deadline);
      await page.waitForTimeout(1000);
    }
  }

  it('shows time-coded video matches in the triage and a safe video page', async () => {
    const dataDir = freshDataDir();
    const password = await agencyWest(dataDir);
    let server: HavenProcess | undefined;
    try {
      server = await startHavenProcess(dataDir, e2e.webDir());
      const anna = await e2e.newPage();
      await firstSignIn(anna, server.url, 'anna', password);
      await mainMenu(anna, 'Cases').click();
      await anna.getByLabel('Reference').fill('WEST-V');
      await anna.getByRole('button', { name: 'Open case' }).click();
      await anna.getByRole('link', { name: 'Upload material' }).waitFor();
      const caseUrl = anna.url();
      await upload(anna, [{ name: 'film.mp4', mimeType: 'video/mp4', buffer: film }]);
      await anna.getByRole('link', { name: 'upload/film.mp4' }).click();
      const filmUrl = anna.url();
      await analysed(anna, filmUrl);

      // The clip and the still arrive: near, with similarity and time codes in the held film.
      await anna.goto(caseUrl);
      const triageUrl = await upload(anna, [
        { name: 'clip.mp4', mimeType: 'video/mp4', buffer: clip },
        { name: 'still.jpg', mimeType: 'image/jpeg', buffer: still },
      ]);
      await anna.getByRole('link', { name: 'upload/clip.mp4' }).click();
      await analysed(anna, anna.url());
      await anna.goto(triageUrl);
      const clipTile = anna.locator('li.tile').filter({ hasText: 'upload/clip.mp4' });
      const stillTile = anna.locator('li.tile').filter({ hasText: 'upload/still.jpg' });
      await clipTile.getByTestId('match').first().waitFor();
      expect(await clipTile.getAttribute('data-status')).toBe('near');
      const clipMatch = (await clipTile.getByTestId('match').first().textContent())!;
      expect(clipMatch).toMatch(/^vpdq distance \d+: held video [0-9a-f]{12}…/);
      const similarity = Number(/ · (\d+) % of frames/.exec(clipMatch)![1]);
      expect(similarity).toBeGreaterThanOrEqual(80);
      // Time codes in the held film lie inside the part the clip was cut from (4.3 s to 11.3 s).
      const held = /at (.+?) in the held video/.exec(clipMatch)![1]!;
      const codes = [...held.matchAll(/(\d+):(\d+\.\d)/g)].map(([, m, sec]) => Number(m) * 60 + Number(sec));
      expect(codes.length).toBeGreaterThan(0);
      for (const seconds of codes) {
        expect(seconds).toBeGreaterThanOrEqual(3.5);
        expect(seconds).toBeLessThanOrEqual(12);
      }
      expect(clipMatch).toMatch(/from [\d:.]+.* in this video/);
      expect(await stillTile.getAttribute('data-status')).toBe('near');
      const stillMatch = (await stillTile
        .getByTestId('match')
        .filter({ hasText: 'held video' })
        .first()
        .textContent())!;
      const stillAt = /at (\d+):([\d.]+)/.exec(stillMatch)!;
      expect(Math.abs(Number(stillAt[1]) * 60 + Number(stillAt[2]) - 7.5)).toBeLessThanOrEqual(1.5);
      expect(await anna.locator('figure.preview[data-revealed="true"]').count()).toBe(0);
      await screenshot(anna, 'video-01-triage');

      // The film's page: contact sheet blurred, frames revealed one at a time, muted playback.
      await anna.goto(filmUrl);
      const sheet = anna.getByRole('img', { name: /^Blurred preview of contact sheet of/ });
      await sheet.waitFor();
      expect(await sheet.getAttribute('src')).toContain('variant=blurred');
      expect(await anna.getByTestId('video-facts').textContent()).toContain('640 × 360');
      const frames = anna.getByRole('list', { name: 'Scene-change frames' }).locator('li');
      await frames.nth(1).waitFor();
      expect(await anna.locator('img[alt^="Blurred frame at"]').count()).toBe(await frames.count());
      await frames
        .nth(0)
        .getByRole('button', { name: /^Reveal frame at/ })
        .click();
      await frames.nth(0).locator('figure[data-revealed="true"] img[src*="variant=clear"]').waitFor();
      await frames
        .nth(1)
        .getByRole('button', { name: /^Reveal frame at/ })
        .click();
      await frames.nth(1).locator('figure[data-revealed="true"]').waitFor();
      // Revealing the second hid the first.
      await frames.nth(0).locator('figure[data-revealed="false"]').waitFor();
      expect(await anna.locator('figure.preview[data-revealed="true"]').count()).toBe(1);
      await frames
        .nth(1)
        .getByRole('button', { name: /^Hide frame at/ })
        .click();
      await anna.getByRole('button', { name: /^Reveal playback of/ }).click();
      const player = anna.locator('video');
      await player.waitFor();
      expect(await player.evaluate((video: unknown) => (video as { muted: boolean }).muted)).toBe(true);
      expect(await anna.locator('figure.preview[data-revealed="true"] img').count()).toBe(0);
      await screenshot(anna, 'video-02-media-page');
      await anna.getByRole('button', { name: /^Hide playback of/ }).click();
      await player.waitFor({ state: 'detached' });

      // The film's own matches: the clip and the still, each with where it shows in the film as
      // time codes to jump to; their previews blurred, revealed one at a time.
      const matches = anna.getByRole('list', { name: 'Matching media' });
      const clipRow = matches.getByTestId('match').filter({ hasText: 'video frames' });
      const stillRow = matches.getByTestId('match').filter({ hasText: 'near picture' });
      await clipRow.first().waitFor();
      const jump = /^Show this video at/;
      const clipCodes = (await clipRow.first().getByRole('button', { name: jump }).allTextContents()).map(
        seconds,
      );
      expect(clipCodes.length).toBeGreaterThan(0);
      for (const code of clipCodes) {
        expect(code).toBeGreaterThanOrEqual(3.5);
        expect(code).toBeLessThanOrEqual(12);
      }
      expect(await clipRow.first().textContent()).toMatch(/\d+ % of the other video's frames/);
      const stillCode = stillRow.getByRole('button', { name: jump }).first();
      const stillSeconds = seconds((await stillCode.textContent())!);
      expect(Math.abs(stillSeconds - 7.5)).toBeLessThanOrEqual(1.5);
      const matchPictures = matches.locator('img');
      expect(await matchPictures.count()).toBeGreaterThanOrEqual(2);
      for (const src of await matchPictures.evaluateAll((images) =>
        images.map((image) => (image as unknown as { src: string }).src),
      )) {
        expect(src).toContain('variant=blurred');
      }
      // A time code shows that frame of the film, blurred until revealed.
      await stillCode.click();
      const frameAt = anna.getByTestId('frame-at');
      await frameAt.locator('img[src*="variant=blurred"]').waitFor();
      const frameSrc = new URL((await frameAt.locator('img').getAttribute('src'))!, server.url);
      expect(Math.abs(Number(frameSrc.searchParams.get('t')) - stillSeconds)).toBeLessThanOrEqual(0.05);
      expect(await frameAt.textContent()).toContain(`This video at ${(await stillCode.textContent())!}`);
      await stillRow.getByRole('button', { name: /^Reveal matching image/ }).click();
      await stillRow.locator('figure[data-revealed="true"] img[src*="variant=clear"]').waitFor();
      await clipRow
        .first()
        .getByRole('button', { name: /^Reveal matching video/ })
        .click();
      await clipRow.first().locator('figure[data-revealed="true"]').waitFor();
      // Revealing the clip hid the still.
      await stillRow.locator('figure[data-revealed="false"]').waitFor();
      await clipRow
        .first()
        .getByRole('button', { name: /^Hide matching video/ })
        .click();
      // With the player revealed, a time code seeks it; it stays muted.
      await anna.getByRole('button', { name: /^Reveal playback of/ }).click();
      await player.waitFor();
      const state = (): Promise<{ readyState: number; currentTime: number; muted: boolean }> =>
        player.evaluate((video: unknown) => {
          const { readyState, currentTime, muted } = video as {
            readyState: number;
            currentTime: number;
            muted: boolean;
          };
          return { readyState, currentTime, muted };
        });
      await until(async () => (await state()).readyState > 0);
      await stillCode.click();
      await until(async () => Math.abs((await state()).currentTime - stillSeconds) < 0.2);
      expect((await state()).muted).toBe(true);
      await screenshot(anna, 'video-03-media-matches');
      await anna.getByRole('button', { name: /^Hide playback of/ }).click();
    } finally {
      await server?.stop();
    }
  }, 500_000);
});

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshDataDir } from './support/haven-fixture.js';
import { pictureJpeg } from './support/images.js';
import { onPostgres } from './support/test-database.js';
import { screenshot } from './support/browser.js';
import { firstSignIn } from './support/web-session.js';
import { e2eBrowser } from './support/web-e2e.js';
import {
  adminCreateAgency,
  adminCreateUser,
  startHavenProcess,
  type HavenProcess,
} from './support/haven-server-process.js';
import { startPortalProcess, type PortalProcess } from './support/portal-process.js';

/**
 * Trace an Object end to end, in real Chromium against real `haven serve` processes (the
 * workspace, and the public portal as its own process on the shared folder): a clue becomes a live
 * appeal after a second person approves it, the public sends tips in French without JavaScript and
 * in German with it, a tip moderator turns one into a lead on the series, and unpublishing takes
 * the appeal off the public site at once. pglite project only, like the other e2e tests.
 */
describe.runIf(!onPostgres())('public appeals in Chromium', () => {
  const e2e = e2eBrowser('haven-web-appeals-');
  const newPage = e2e.newPage;

  it('clue -> two-person approval -> public tips with and without JavaScript -> lead -> unpublished', async () => {
    const dataDir = freshDataDir();
    await adminCreateAgency(dataDir, 'Agency West', 'FR');
    const users = {
      anna: await adminCreateUser(dataDir, {
        agency: 'Agency West',
        username: 'anna',
        displayName: 'Anna West',
        roles: 'investigator',
      }),
      rita: await adminCreateUser(dataDir, {
        agency: 'Agency West',
        username: 'rita',
        displayName: 'Rita Review',
        roles: 'reviewer',
      }),
      tom: await adminCreateUser(dataDir, {
        agency: 'Agency West',
        username: 'tom',
        displayName: 'Tom Tips',
        roles: 'tip_moderator',
      }),
    };
    let server: HavenProcess | undefined;
    let portal: PortalProcess | undefined;
    try {
      server = await startHavenProcess(dataDir, e2e.webDir());
      portal = await startPortalProcess(path.join(dataDir, 'portal'), {
        HAVEN_PORTAL_MIN_FORM_SECONDS: '2',
        HAVEN_PORTAL_POW_BITS: '12',
      });
      const { url } = server;

      // Anna: a case, one generated picture, a series, a clue drawn on it.
      const anna = await newPage();
      await firstSignIn(anna, url, 'anna', users.anna);
      await anna.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cases' }).click();
      await anna.getByLabel('Reference').fill('WEST-APPEAL');
      await anna.getByRole('button', { name: 'Open case' }).click();
      await anna.getByRole('link', { name: 'Upload material' }).click();
      await anna
        .getByTestId('file-input')
        .setInputFiles([
          { name: 'bathroom.jpg', mimeType: 'image/jpeg', buffer: await pictureJpeg(7711, 800, 600) },
        ]);
      await anna.getByRole('button', { name: 'Upload', exact: true }).click();
      await anna.getByRole('button', { name: 'Start processing' }).click();
      await anna.getByTestId('ingest-state').filter({ hasText: 'done' }).waitFor({ timeout: 60_000 });
      await anna.getByLabel('Series title (neutral)').fill('Bathroom series');
      await anna.getByRole('button', { name: 'Create series' }).click();
      await anna.getByRole('heading', { name: /^Series \S+/ }).waitFor();
      const seriesUrl = anna.url();
      await anna.getByRole('img', { name: /^Blurred image for clues/ }).waitFor();
      const surface = anna.getByTestId('clue-surface');
      await surface.scrollIntoViewIfNeeded();
      const area = (await surface.boundingBox())!;
      await anna.mouse.move(area.x + area.width * 0.25, area.y + area.height * 0.25);
      await anna.mouse.down();
      await anna.mouse.move(area.x + area.width * 0.6, area.y + area.height * 0.7, { steps: 6 });
      await anna.mouse.up();
      await anna.getByTestId('clue-draft').waitFor();
      await anna.getByLabel('Kind of clue').selectOption('packaging');
      await anna.getByLabel('Clue note').fill('Shampoo bottle');
      await anna.getByRole('button', { name: 'Save clue' }).click();
      await anna.getByText('Clue saved.').waitFor();

      // Anna proposes the appeal in English and French; she cannot approve it herself.
      await anna.getByRole('link', { name: 'Propose appeal' }).click();
      await anna.getByLabel('Title (English)').fill('Where is this shampoo sold?');
      await anna.getByLabel('Description (English)').fill('A bottle of shampoo with a green label.');
      await anna.getByLabel('Questions, one per line (English)').fill('Where is it sold?\nWhat brand is it?');
      await anna.getByLabel('Title (French)').fill('Où ce shampooing est-il vendu ?');
      await anna.getByLabel('Questions, one per line (French)').fill('Où est-il vendu ?');
      await anna.getByLabel('Country code shown to the public (optional, e.g. FR)').fill('FR');
      await anna.getByRole('button', { name: 'Propose for review' }).click();
      await anna.getByRole('heading', { name: 'Public appeals' }).waitFor();
      const proposal = anna.getByRole('listitem', { name: 'Appeal Where is this shampoo sold?' });
      await proposal.getByText('Waiting for a second person').waitFor();
      expect(await proposal.getByRole('button', { name: 'Approve and publish' }).count()).toBe(0);
      await screenshot(anna, 'appeals-01-proposed');
      expect(await (await anna.request.get(`${portal.url}/en/`)).text()).not.toContain('shampoo');

      // Rita, a reviewer of the same agency, approves it: it is live on the portal at once.
      const rita = await newPage();
      await firstSignIn(rita, url, 'rita', users.rita);
      await rita
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Public appeals' })
        .click();
      const toReview = rita.getByRole('listitem', { name: 'Appeal Where is this shampoo sold?' });
      await toReview.getByRole('button', { name: 'Approve and publish' }).click();
      await rita.getByRole('button', { name: 'live' }).click();
      const live = rita.getByRole('listitem', { name: 'Appeal Where is this shampoo sold?' });
      await live.getByText(/public id [a-z0-9]{16}/).waitFor();
      const publicId = /public id ([a-z0-9]{16})/.exec((await live.textContent())!)![1]!;
      await screenshot(rita, 'appeals-02-live');

      // A visitor without JavaScript, in French: gallery, appeal, tip (the form waits its seconds).
      const visitorFr = await newPage({ javaScriptEnabled: false, locale: 'fr-FR' });
      await visitorFr.setExtraHTTPHeaders({ 'accept-language': 'fr-FR,fr;q=0.9' });
      await visitorFr.goto(`${portal.url}/`);
      expect(visitorFr.url()).toBe(`${portal.url}/fr/`);
      expect(await visitorFr.locator('html').getAttribute('lang')).toBe('fr');
      await visitorFr.getByLabel('Type').selectOption('object');
      await visitorFr.getByRole('button', { name: 'Afficher' }).click();
      await visitorFr.getByRole('link', { name: /Où ce shampooing est-il vendu/ }).click();
      const picture = visitorFr.getByRole('img', { name: /Image de l'appel/ });
      const served = await visitorFr.request.get(`${portal.url}${(await picture.getAttribute('src'))!}`);
      expect(served.headers()['content-type']).toBe('image/jpeg');
      await visitorFr.getByLabel('Que savez-vous ? (obligatoire)').fill('Vendu chez Monoprix, rayon hygiène');
      await visitorFr.getByLabel('Ville (facultatif)').fill('Lyon');
      await screenshot(visitorFr, 'appeals-03-tip-without-javascript');
      await visitorFr.waitForTimeout(2_200);
      await visitorFr.getByRole('button', { name: 'Envoyer le signalement' }).click();
      await visitorFr.getByText('Votre signalement a été reçu').waitFor();

      // A visitor with JavaScript switches to German; the proof of work lets the form go at once.
      const visitorDe = await newPage({ locale: 'en-GB' });
      await visitorDe.goto(`${portal.url}/en/appeals/${publicId}`);
      await visitorDe.getByRole('link', { name: 'Deutsch' }).click();
      expect(visitorDe.url()).toBe(`${portal.url}/de/appeals/${publicId}`);
      await visitorDe.getByLabel('Was wissen Sie? (erforderlich)').fill('Gibt es bei dm in Freiburg');
      await visitorDe
        .getByLabel('Wie erreichen wir Sie? (optional: leer lassen, um anonym zu bleiben)')
        .fill('hinweis@example.org');
      await visitorDe.locator('form[data-pow-done="1"]').waitFor({ timeout: 60_000 });
      await visitorDe.getByRole('button', { name: 'Hinweis senden' }).click();
      await visitorDe.getByText('Ihr Hinweis ist eingegangen').waitFor();
      // Never shown to other visitors.
      expect(
        await (await visitorFr.request.get(`${portal.url}/fr/appeals/${publicId}`)).text(),
      ).not.toContain('Freiburg');

      // Tom, the tip moderator, triages: one tip becomes a lead on the series, the other is useful.
      const tom = await newPage();
      await tom.goto(`${url}/`);
      await tom.getByLabel('Username').fill('tom');
      await tom.getByLabel('Password').fill(users.tom);
      await tom.getByRole('button', { name: 'Sign in' }).click();
      await tom.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tip inbox' }).click();
      const french = tom.getByRole('listitem', { name: /^Tip Vendu chez Monoprix/ });
      const german = tom.getByRole('listitem', { name: /^Tip Gibt es bei dm/ });
      await french.waitFor();
      expect(await german.textContent()).toContain('hinweis@example.org');
      expect(await french.textContent()).toContain('Anonymous');
      await screenshot(tom, 'appeals-04-tip-inbox');
      // Triaged tips leave the list of new ones.
      await german.getByRole('button', { name: 'Useful', exact: true }).click();
      await german.waitFor({ state: 'detached' });
      await french.getByRole('button', { name: 'Make it a lead on the series' }).click();
      await french.waitFor({ state: 'detached' });
      await tom.getByRole('button', { name: 'useful', exact: true }).click();
      const lead = tom.getByRole('listitem', { name: /^Tip Vendu chez Monoprix/ });
      await lead.getByText('lead on the series').waitFor();
      await tom.getByRole('listitem', { name: /^Tip Gibt es bei dm/ }).waitFor();
      await lead.getByLabel('Country (code)').fill('FR');
      await lead.getByRole('button', { name: 'Country narrowed' }).click();
      await lead.getByText('country narrowed (FR)').waitFor();

      await anna.goto(seriesUrl);
      const thread = anna.getByRole('list', { name: 'Comments' });
      await thread.getByText('Vendu chez Monoprix, rayon hygiène').waitFor();
      expect(await thread.textContent()).toContain('Lead');
      expect(await thread.textContent()).not.toContain('hinweis@example.org');

      // Anna records what the appeal achieved; the public figures follow.
      await anna
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Public appeals' })
        .click();
      await anna.getByRole('button', { name: 'live' }).click();
      const outcome = anna.getByRole('form', { name: 'Outcome of Where is this shampoo sold?' });
      await outcome.getByLabel('Children identified').fill('2');
      await outcome.getByLabel('Object identified').check();
      const saved = anna.waitForResponse((response) => response.url().endsWith('/outcome') && response.ok());
      await outcome.getByRole('button', { name: 'Save outcome' }).click();
      await saved;
      const stats = await (await visitorFr.request.get(`${portal.url}/en/statistics`)).text();
      expect(stats).toMatch(/Appeals where the country was found<\/dt><dd>1<\/dd>/);
      expect(stats).toMatch(/Children identified<\/dt><dd>2<\/dd>/);

      // A missing-child appeal from a photo: the portal shows the facts the public needs.
      await anna.getByRole('link', { name: 'Propose a person appeal' }).click();
      await anna.getByLabel('Name').fill('Sam Example');
      await anna.getByLabel('Age').fill('8');
      await anna.getByLabel('Missing since').fill('2026-05-01');
      await anna.getByLabel('Photo (JPEG, PNG or WebP, under 600 KB)').setInputFiles({
        name: 'photo.jpg',
        mimeType: 'image/jpeg',
        buffer: await pictureJpeg(7712, 400, 500),
      });
      await anna.getByLabel('Title (Spanish)').fill('Niño desaparecido en Lyon');
      await anna.getByRole('button', { name: 'Propose for review' }).click();
      await anna.getByRole('listitem', { name: 'Appeal Niño desaparecido en Lyon' }).waitFor();
      await rita.getByRole('button', { name: 'proposed' }).click();
      await rita
        .getByRole('listitem', { name: 'Appeal Niño desaparecido en Lyon' })
        .getByRole('button', { name: 'Approve and publish' })
        .click();
      await rita
        .getByRole('listitem', { name: 'Appeal Niño desaparecido en Lyon' })
        .waitFor({ state: 'detached' });
      const missing = await visitorFr.request.get(`${portal.url}/es/?type=missing_child`);
      const child = /href="(\/es\/appeals\/[a-z0-9]{16})"/.exec(await missing.text())![1]!;
      const childPage = await (await visitorFr.request.get(`${portal.url}${child}`)).text();
      expect(childPage).toContain('Sam Example');
      expect(childPage).toContain('<dt>Edad</dt><dd>8</dd>');

      // Anna unpublishes: the next request no longer finds the appeal or its picture.
      await anna
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Public appeals' })
        .click();
      await anna.getByRole('button', { name: 'live' }).click();
      const shampoo = anna.getByRole('listitem', { name: 'Appeal Where is this shampoo sold?' });
      await shampoo.getByRole('button', { name: 'Unpublish now' }).click();
      await shampoo.waitFor({ state: 'detached' });
      const gone = await visitorFr.request.get(`${portal.url}/fr/appeals/${publicId}`);
      expect(gone.status()).toBe(404);
      expect(gone.headers()['cache-control']).toBe('no-store');
      expect((await visitorFr.request.get(`${portal.url}/images/${publicId}.jpg`)).status()).toBe(404);
      await visitorFr.reload();
      await visitorFr.getByText("Cette page n'existe pas").waitFor();
      await screenshot(visitorFr, 'appeals-05-unpublished');
    } finally {
      await portal?.stop();
      await server?.stop();
    }
  }, 300_000);
});

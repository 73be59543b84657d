import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solved } from '#haven/portal/form-token.js';
import { expectStatus } from './support/api-client.js';
import { runCli } from './support/cli.js';
import { apiServerForFile } from './support/api-server.js';
import { drawClue, objectAppeal, type AppealReply, type TipReply } from './support/appeals.js';
import { pictureWithGps } from './support/workspace.js';
import { formToken, startPortalProcess, type PortalProcess } from './support/portal-process.js';
import { agencyWithMember, createSeries, member, uploadCase, type Member } from './support/workspace.js';

/**
 * The public portal as its own process (`haven serve --role portal`) on the folder the workspace
 * writes: pages in four languages, the tip form with and without JavaScript's proof of work, abuse
 * limits, isolation from every internal route, file and identifier, and unpublishing at once.
 */

const server = apiServerForFile();
const MIN_FORM_SECONDS = 1;

let portal: PortalProcess;
let stopPortal: (() => Promise<void>) | undefined;
let proposer: Member;
let reviewer: Member;
let moderator: Member;
let seriesId: string;
let mediaId: string;
let appeal: AppealReply;

const portalDir = (): string => server().haven.config.portal.dir;
/**
 * Tips stored so far, wherever they are: the workspace takes drops in on its own timer too, so
 * the folder alone would race; taking in first and counting rows does not.
 */
async function storedTips(): Promise<number> {
  await server().haven.tips.takeIn();
  const rows = await server().haven.db.query<{ n: number }>('SELECT count(*)::int AS n FROM tips');
  return rows[0]!.n;
}

async function liveAppeal(): Promise<AppealReply> {
  const clueId = await drawClue(proposer.client, seriesId, mediaId, {
    x: 40,
    y: 40,
    width: 200,
    height: 150,
  });
  const proposed = expectStatus(
    await proposer.client.post<AppealReply>('/appeals', objectAppeal(seriesId, clueId, { country: 'FR' })),
    201,
  ).body;
  expectStatus(await reviewer.client.post(`/appeals/${proposed.id}/review`, { decision: 'approve' }), 200);
  return proposed;
}

async function get(
  route: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; headers: Headers; bytes: Buffer }> {
  const response = await fetch(`${portal.url}${route}`, { headers, redirect: 'manual' });
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, text: bytes.toString('utf8'), headers: response.headers, bytes };
}

async function sendTip(
  lang: string,
  publicId: string,
  fields: Record<string, string>,
  options: { wait?: boolean; pow?: boolean; token?: string } = {},
): Promise<{ status: number; text: string }> {
  const token = options.token ?? formToken((await get(`/${lang}/appeals/${publicId}`)).text);
  let pow = '';
  if (options.pow) {
    for (let counter = 0; ; counter += 1) {
      if (solved(token, String(counter), 8)) {
        pow = String(counter);
        break;
      }
    }
  }
  if (options.wait !== false && !options.pow) {
    await new Promise((resolve) => setTimeout(resolve, MIN_FORM_SECONDS * 1000 + 100));
  }
  const response = await fetch(`${portal.url}/${lang}/appeals/${publicId}/tips`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, pow, website: '', ...fields }).toString(),
    redirect: 'manual',
  });
  return { status: response.status, text: await response.text() };
}

beforeAll(async () => {
  const { haven, url } = server();
  proposer = await agencyWithMember(haven, url, 'FR');
  [reviewer, moderator] = await Promise.all([
    member(haven, url, proposer.agency, 'reviewer'),
    member(haven, url, proposer.agency, 'tip_moderator'),
  ]);
  const material = await uploadCase(proposer.client, [
    { name: 'kitchen-IMG_0042.jpg', bytes: await pictureWithGps(9501, 48.85, 2.35) },
  ]);
  mediaId = material.media.get('kitchen-IMG_0042.jpg')!;
  seriesId = (await createSeries(proposer.client, [mediaId])).id;
  appeal = await liveAppeal();
  portal = await startPortalProcess(portalDir(), {
    HAVEN_PORTAL_MIN_FORM_SECONDS: String(MIN_FORM_SECONDS),
    HAVEN_PORTAL_POW_BITS: '8',
    HAVEN_PORTAL_TIPS_PER_HOUR: '40',
  });
  stopPortal = () => portal.stop();
}, 120_000);

afterAll(async () => {
  await stopPortal?.();
});

describe('public pages', () => {
  it('sends a visitor to their language and serves the gallery in English, French, German and Spanish', async () => {
    const root = await get('/', { 'accept-language': 'de-CH,de;q=0.9,en;q=0.5' });
    expect(root.status).toBe(303);
    expect(root.headers.get('location')).toBe('/de/');
    expect((await get('/', { 'accept-language': 'pt-BR' })).headers.get('location')).toBe('/en/');
    const words = {
      en: 'Newest first',
      fr: 'Les plus récents',
      de: 'Neueste zuerst',
      es: 'Más recientes primero',
    };
    for (const [lang, word] of Object.entries(words)) {
      const gallery = await get(`/${lang}/`);
      expect(gallery.status).toBe(200);
      expect(gallery.text).toContain(`<html lang="${lang}">`);
      expect(gallery.text).toContain(word);
      expect(gallery.text).toContain(`href="/${lang}/appeals/${appeal.publicId}"`);
      expect(gallery.text).toContain('class="skip" href="#main"');
      expect(gallery.headers.get('cache-control')).toBe('no-store');
    }
    const french = await get(`/fr/appeals/${appeal.publicId}`);
    expect(french.text).toContain('Où ce flacon est-il vendu ?');
    expect(french.text).toContain('<label for="tip-body">');
    expect(french.text).toMatch(
      /<img src="\/images\/[a-z0-9]{16}\.jpg" width="\d+" height="\d+" alt="Image de l&#39;appel/,
    );
    // German was not written: the page is German, the appeal keeps its first language, marked.
    const german = await get(`/de/appeals/${appeal.publicId}`);
    expect(german.text).toContain('<article lang="en">');
    expect(german.text).toContain('Hinweis senden');
    expect(german.text).toContain(`href="/es/appeals/${appeal.publicId}"`);
  });

  it('filters the gallery by type and country without JavaScript', async () => {
    const objects = await get('/en/?type=object&country=FR');
    expect(objects.text).toContain(appeal.publicId);
    expect((await get('/en/?type=missing_child')).text).not.toContain(appeal.publicId);
    expect((await get('/en/?country=DE')).text).not.toContain(appeal.publicId);
    expect((await get('/en/?sort=oldest&type=%3Cscript%3E')).text).not.toContain('<script>');
  });

  it('serves exactly the published picture and nothing that names the original', async () => {
    const image = await get(`/images/${appeal.publicId}.jpg`);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/jpeg');
    expect(
      image.bytes.equals(readFileSync(path.join(portalDir(), 'published', `${appeal.publicId}.jpg`))),
    ).toBe(true);
    const page = (await get(`/en/appeals/${appeal.publicId}`)).text + image.bytes.toString('latin1');
    for (const internal of [
      appeal.id,
      seriesId,
      mediaId,
      appeal.clueId!,
      proposer.agency.id,
      'kitchen-IMG_0042',
      'GPS',
    ]) {
      expect(page).not.toContain(internal);
    }
  });

  it('shows the public figures the workspace publishes', async () => {
    expectStatus(
      await proposer.client.put(`/appeals/${appeal.id}/outcome`, {
        countryFound: 'FR',
        objectIdentified: true,
        childrenIdentified: 1,
      }),
      200,
    );
    const figures = await get('/es/statistics');
    expect(figures.text).toContain('Niños identificados');
    expect(figures.text).toMatch(/Niños identificados<\/dt><dd>1<\/dd>/);
    expect(figures.text).toMatch(/Llamamientos publicados<\/dt><dd>[1-9]\d*<\/dd>/);
  });
});

describe('isolation', () => {
  it('answers no internal route: every path of the OpenAPI document, with real ids, in every method', async () => {
    const document = (await (await fetch(`${server().url}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const ids = [appeal.id, seriesId, mediaId, proposer.agency.id, appeal.publicId];
    let probed = 0;
    for (const [template, operations] of Object.entries(document.paths)) {
      for (const method of Object.keys(operations)) {
        for (const id of ids) {
          const route = `/api/v1${template.replace(/\{[^}]+\}/g, id)}`;
          const response = await fetch(`${portal.url}${route}`, {
            method: method.toUpperCase(),
            redirect: 'manual',
            ...(method === 'get' || method === 'delete'
              ? {}
              : { headers: { 'content-type': 'application/json' }, body: '{}' }),
          });
          const text = await response.text();
          probed += 1;
          expect([404, 415], `${method} ${route}`).toContain(response.status);
          expect(text).not.toContain('"error"');
          for (const internal of [appeal.id, seriesId, mediaId]) {
            expect(text).not.toContain(internal);
          }
        }
      }
    }
    expect(probed).toBeGreaterThan(100);
    for (const route of [
      '/api/v1/openapi.json',
      '/readyz',
      '/api/v1/auth/session',
      '/index.html',
      '/assets/',
    ]) {
      expect((await get(route)).status, route).toBe(404);
    }
  });

  it('reaches no file outside the published copies, whatever the path', async () => {
    const attempts = [
      '/images/..%2ffigures.json',
      '/images/..%2f..%2ftips',
      '/images/%2e%2e%2f%2e%2e%2fdb',
      `/images/${appeal.publicId}.json`,
      `/images/${appeal.id}.jpg`,
      '/en/appeals/..%2f..%2ffigures.json',
      `/en/appeals/${appeal.id}`,
      `/en/appeals/${appeal.publicId.toUpperCase()}`,
      '/en/../../etc/passwd',
      '/images/../../tips',
      '/tips',
      '/published/',
      `/published/${appeal.publicId}.json`,
      '/figures.json',
      '/xx/',
    ];
    for (const route of attempts) {
      const reply = await get(route);
      expect(reply.status, route).toBe(404);
      expect(reply.text).not.toContain('"publishedAt"');
    }
    // A tip cannot be read back through any route: the intake only writes.
    expect((await get(`/en/appeals/${appeal.publicId}/tips`)).status).toBe(404);
  });
});

describe('tips and abuse limits', () => {
  it('takes a tip without JavaScript (the form waited long enough) and it reaches the inbox, never another visitor', async () => {
    const before = await storedTips();
    const sent = await sendTip('fr', appeal.publicId, {
      body: 'Vendu chez Monoprix à Lyon',
      city: 'Lyon',
      country: 'France',
      contact: '',
    });
    expect(sent.status).toBe(200);
    expect(sent.text).toContain('Votre signalement a été reçu');
    expect(await storedTips()).toBe(before + 1);
    expect((await get(`/en/appeals/${appeal.publicId}`)).text).not.toContain('Monoprix');
    expect((await get('/en/')).text).not.toContain('Monoprix');
    const inbox = expectStatus(
      await moderator.client.get<{ tips: TipReply[] }>(`/tips?appealId=${appeal.id}`),
      200,
    ).body.tips;
    expect(inbox.find((tip) => tip.body === 'Vendu chez Monoprix à Lyon')).toMatchObject({
      language: 'fr',
      contact: '',
    });
  });

  it('takes a tip sent at once when the proof of work is solved (the JavaScript path)', async () => {
    const sent = await sendTip(
      'es',
      appeal.publicId,
      { body: 'Lo vi en Mercadona, Valencia' },
      { pow: true },
    );
    expect(sent.status).toBe(200);
    expect(sent.text).toContain('Su pista se ha recibido');
  });

  it('refuses a form sent at once without proof of work, keeping what was written, storing nothing', async () => {
    const before = await storedTips();
    const sent = await sendTip('en', appeal.publicId, { body: 'Too quick to be a person' }, { wait: false });
    expect(sent.status).toBe(400);
    expect(sent.text).toContain('Too quick to be a person');
    expect(sent.text).toContain('role="alert"');
    const forged = await sendTip(
      'en',
      appeal.publicId,
      { body: 'Forged token' },
      { token: 'abc.def.ghi.jkl' },
    );
    expect(forged.status).toBe(400);
    const otherAppeal = formToken((await get(`/en/appeals/${appeal.publicId}`)).text).replace(
      appeal.publicId,
      'a'.repeat(16),
    );
    expect(
      (await sendTip('en', appeal.publicId, { body: 'Token of another appeal' }, { token: otherAppeal }))
        .status,
    ).toBe(400);
    expect(await storedTips()).toBe(before);
  });

  it('never accepts the same token twice', async () => {
    const token = formToken((await get(`/en/appeals/${appeal.publicId}`)).text);
    expect((await sendTip('en', appeal.publicId, { body: 'First use of a token' }, { token })).status).toBe(
      200,
    );
    expect((await sendTip('en', appeal.publicId, { body: 'Second use of a token' }, { token })).status).toBe(
      400,
    );
  });

  it('thanks a bot that fills the honeypot and keeps nothing', async () => {
    const before = await storedTips();
    const sent = await sendTip('en', appeal.publicId, {
      body: 'Buy cheap watches',
      website: 'http://spam.example',
    });
    expect(sent.status).toBe(200);
    expect(sent.text).toContain('Your tip has been received');
    expect(await storedTips()).toBe(before);
  });

  it('acknowledges a resent tip without storing it twice', async () => {
    const first = await sendTip(
      'en',
      appeal.publicId,
      { body: 'The bottle is sold at Carrefour' },
      { pow: true },
    );
    expect(first.status).toBe(200);
    const before = await storedTips();
    const again = await sendTip(
      'en',
      appeal.publicId,
      { body: '  the bottle is sold at CARREFOUR.' },
      { pow: true },
    );
    expect(again.text).toContain('already received');
    expect(await storedTips()).toBe(before);
  });

  it('refuses oversized bodies and fields, and empty tips', async () => {
    const before = await storedTips();
    const huge = await fetch(`${portal.url}/en/appeals/${appeal.publicId}/tips`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `body=${'x'.repeat(40_000)}`,
    });
    expect(huge.status).toBe(413);
    const long = await sendTip('en', appeal.publicId, { body: 'ok', city: 'c'.repeat(500) }, { pow: true });
    expect(long.status).toBe(400);
    expect((await sendTip('en', appeal.publicId, { body: '   ' }, { pow: true })).status).toBe(400);
    const json = await fetch(`${portal.url}/en/appeals/${appeal.publicId}/tips`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"body":"json is not a form"}',
    });
    expect(json.status).toBe(415);
    expect(await storedTips()).toBe(before);
  });

  it('limits tips per address and hour', async () => {
    const limited = await startPortalProcess(portalDir(), {
      HAVEN_PORTAL_TIPS_PER_HOUR: '2',
      HAVEN_PORTAL_POW_BITS: '8',
    });
    try {
      const post = async (body: string): Promise<number> => {
        const page = await (await fetch(`${limited.url}/en/appeals/${appeal.publicId}`)).text();
        const token = formToken(page);
        let pow = 0;
        while (!solved(token, String(pow), 8)) {
          pow += 1;
        }
        return (
          await fetch(`${limited.url}/en/appeals/${appeal.publicId}/tips`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ token, pow: String(pow), body }).toString(),
          })
        ).status;
      };
      expect(await post(`rate one ${createHash('md5').update('1').digest('hex')}`)).toBe(200);
      expect(await post('rate two')).toBe(200);
      expect(await post('rate three')).toBe(429);
    } finally {
      await limited.stop();
    }
  });
});

describe('unpublishing', () => {
  it('removes the appeal, its picture and its form from the portal at once', async () => {
    const doomed = await liveAppeal();
    expect((await get(`/en/appeals/${doomed.publicId}`)).status).toBe(200);
    const token = formToken((await get(`/en/appeals/${doomed.publicId}`)).text);
    expectStatus(await reviewer.client.post(`/appeals/${doomed.id}/unpublish`), 200);
    expect((await get(`/en/appeals/${doomed.publicId}`)).status).toBe(404);
    expect((await get(`/images/${doomed.publicId}.jpg`)).status).toBe(404);
    expect((await get('/en/')).text).not.toContain(doomed.publicId);
    expect((await sendTip('en', doomed.publicId, { body: 'late tip' }, { token, pow: true })).status).toBe(
      404,
    );
    expect(existsSync(path.join(portalDir(), 'published', `${doomed.publicId}.jpg`))).toBe(false);
  });
});

describe('starting the portal', () => {
  it('refuses an unknown role or bad portal settings with a clear error', async () => {
    const role = await runCli(['serve', '--role', 'everything', '--port', '0']);
    expect(role.code).not.toBe(0);
    expect(role.stderr).toContain('--role must be workspace or portal');
    const settings = await runCli(['serve', '--role', 'portal', '--portal-dir', portalDir(), '--port', '0'], {
      HAVEN_PORTAL_POW_BITS: '99',
    });
    expect(settings.code).not.toBe(0);
    expect(settings.stderr).toContain('portal.powBits');
  });
});

import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { tipFingerprint } from '#haven/portal/exchange/tip-fingerprint.js';
import { errorCode, expectStatus } from './support/api-client.js';
import { apiServerForFile } from './support/api-server.js';
import { bytesOf, drawClue, objectAppeal, type AppealReply, type TipReply } from './support/appeals.js';
import {
  agencyWithMember,
  createSeries,
  member,
  pictureWithGps,
  uploadCase,
  type Member,
} from './support/workspace.js';

/** Public appeals over real HTTP: censored pictures, the two-person rule, unpublishing, tip triage. */

const server = apiServerForFile();

let proposer: Member;
let reviewer: Member;
let otherInvestigator: Member;
let moderator: Member;
let foreignReviewer: Member;
let seriesId: string;
let mediaId: string;
let original: Buffer;

const publishedDir = (): string => path.join(server().haven.config.portal.dir, 'published');

beforeAll(async () => {
  const { haven, url } = server();
  proposer = await agencyWithMember(haven, url, 'NL');
  [reviewer, otherInvestigator, moderator] = await Promise.all([
    member(haven, url, proposer.agency, 'reviewer'),
    member(haven, url, proposer.agency, 'investigator'),
    member(haven, url, proposer.agency, 'tip_moderator'),
  ]);
  foreignReviewer = await agencyWithMember(haven, url, 'BE', 'reviewer');
  original = await pictureWithGps(9301, 52.37, 4.89);
  const material = await uploadCase(proposer.client, [{ name: 'room.jpg', bytes: original }]);
  mediaId = material.media.get('room.jpg')!;
  seriesId = (await createSeries(proposer.client, [mediaId])).id;
});

async function proposeFromClue(extra: Record<string, unknown> = {}): Promise<AppealReply> {
  const clueId = await drawClue(proposer.client, seriesId, mediaId, {
    x: 100,
    y: 80,
    width: 300,
    height: 200,
  });
  return expectStatus(
    await proposer.client.post<AppealReply>('/appeals', objectAppeal(seriesId, clueId, extra)),
    201,
  ).body;
}

describe('proposing an appeal', () => {
  it('makes a new, smaller, metadata-free picture of the clue and publishes nothing yet', async () => {
    const appeal = await proposeFromClue({ masks: [{ x: 0, y: 0, width: 60, height: 40 }] });
    expect(appeal).toMatchObject({ state: 'proposed', type: 'object', seriesId, publishedAt: null });
    expect(appeal.publicId).toMatch(/^[a-z0-9]{16}$/);
    expect(appeal.publicId).not.toContain(appeal.id.slice(0, 8));
    const picture = await bytesOf(reviewer.client, `/appeals/${appeal.id}/image`);
    expect(picture.status).toBe(200);
    expect(picture.type).toBe('image/jpeg');
    const meta = await sharp(picture.bytes).metadata();
    expect({ width: meta.width, height: meta.height }).toEqual({ width: 300, height: 200 });
    expect(meta.exif).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(picture.bytes.includes(Buffer.from('GPS'))).toBe(false);
    expect(picture.bytes.includes(Buffer.from('room.jpg'))).toBe(false);
    // The masked corner lost its detail: far less edge energy than the same corner of the plain crop.
    const plain = await sharp(original).extract({ left: 100, top: 80, width: 300, height: 200 }).toBuffer();
    const edges = async (image: Buffer): Promise<number> => {
      const filtered = await sharp(image)
        .extract({ left: 5, top: 5, width: 50, height: 30 })
        .greyscale()
        .convolve({ width: 3, height: 3, kernel: [0, -1, 0, -1, 4, -1, 0, -1, 0], offset: 128 })
        .png()
        .toBuffer();
      return (await sharp(filtered).stats()).channels[0]!.stdev;
    };
    expect(await edges(picture.bytes)).toBeLessThan((await edges(plain)) / 3);
    expect(existsSync(path.join(publishedDir(), `${appeal.publicId}.json`))).toBe(false);
  });

  it('refuses hostile or impossible pictures with a clear error and stores nothing', async () => {
    const before = expectStatus(await proposer.client.get<{ appeals: unknown[] }>('/appeals'), 200).body
      .appeals.length;
    const garbage = await proposer.client.post('/appeals', {
      type: 'wanted_person',
      texts: { en: { title: 'Wanted person', description: '', questions: [] } },
      person: { name: 'J. Doe', offence: 'Production of CSAM' },
      image: { kind: 'upload', base64: Buffer.from('this is not an image at all').toString('base64') },
    });
    expect(garbage.status).toBe(422);
    expect(errorCode(garbage)).toBe('IMAGE_UNDECODABLE');
    const outside = await proposer.client.post('/appeals', {
      ...objectAppeal(seriesId, randomUUID()),
      image: { kind: 'crop', seriesId, mediaId, rect: { x: 600, y: 400, width: 100, height: 100 } },
    });
    expect(outside.status).toBe(400);
    expect(outside.text).toContain('leaves the 640x480 image');
    const noClue = await proposer.client.post('/appeals', objectAppeal(seriesId, randomUUID()));
    expect(errorCode(noClue)).toBe('VALIDATION_FAILED');
    const uploadObject = await proposer.client.post('/appeals', {
      ...objectAppeal(seriesId, randomUUID()),
      image: { kind: 'upload', base64: original.toString('base64') },
    });
    expect(errorCode(uploadObject)).toBe('VALIDATION_FAILED');
    const noTexts = await proposer.client.post('/appeals', {
      ...objectAppeal(seriesId, randomUUID()),
      texts: {},
    });
    expect(errorCode(noTexts)).toBe('VALIDATION_FAILED');
    expect(
      expectStatus(await proposer.client.get<{ appeals: unknown[] }>('/appeals'), 200).body.appeals,
    ).toHaveLength(before);
  });

  it('publishes a missing-child photo as a new picture too', async () => {
    const appeal = expectStatus(
      await proposer.client.post<AppealReply>('/appeals', {
        type: 'missing_child',
        texts: { de: { title: 'Vermisstes Kind', description: 'Seit März vermisst.', questions: [] } },
        person: { name: 'A. Example', age: 9, dateMissing: '2026-03-01', placeMissing: 'Utrecht' },
        country: 'NL',
        image: { kind: 'upload', base64: original.toString('base64') },
      }),
      201,
    ).body;
    const picture = await bytesOf(proposer.client, `/appeals/${appeal.id}/image`);
    expect((await sharp(picture.bytes).metadata()).exif).toBeUndefined();
    expect(picture.bytes.equals(original)).toBe(false);
  });
});

describe('the two-person rule', () => {
  it('the proposer cannot approve their own appeal; a reviewer of the same agency can, and it goes live', async () => {
    const appeal = await proposeFromClue();
    const own = await proposer.client.post(`/appeals/${appeal.id}/review`, { decision: 'approve' });
    expect(own.status).toBe(403);
    const foreign = await foreignReviewer.client.post(`/appeals/${appeal.id}/review`, {
      decision: 'approve',
    });
    expect(foreign.status).toBe(404);
    const investigator = await otherInvestigator.client.post(`/appeals/${appeal.id}/review`, {
      decision: 'approve',
    });
    expect(investigator.status).toBe(403);
    expect(existsSync(path.join(publishedDir(), `${appeal.publicId}.json`))).toBe(false);

    const live = expectStatus(
      await reviewer.client.post<AppealReply>(`/appeals/${appeal.id}/review`, {
        decision: 'approve',
        note: 'ok',
      }),
      200,
    ).body;
    expect(live.state).toBe('live');
    const copy = readFileSync(path.join(publishedDir(), `${appeal.publicId}.json`), 'utf8');
    for (const internal of [
      appeal.id,
      seriesId,
      mediaId,
      appeal.clueId!,
      proposer.agency.id,
      proposer.userId,
    ]) {
      expect(copy).not.toContain(internal);
    }
    const image = readFileSync(path.join(publishedDir(), `${appeal.publicId}.jpg`));
    expect(image.equals((await bytesOf(reviewer.client, `/appeals/${appeal.id}/image`)).bytes)).toBe(true);
    const again = await reviewer.client.post(`/appeals/${appeal.id}/review`, { decision: 'approve' });
    expect(again.status).toBe(409);

    const audit = expectStatus(
      await server()
        .haven.db.query<{ action: string; actor_name: string }>(
          `SELECT action, actor_name FROM audit_log WHERE object_type = 'appeal' AND object_id = $1 ORDER BY seq`,
          [appeal.id],
        )
        .then((rows) => ({ status: 200, body: rows, headers: new Headers(), text: '', setCookies: [] })),
      200,
    ).body;
    expect(audit.map((row) => row.action)).toEqual(['appeal.propose', 'appeal.approve']);
    expect(new Set(audit.map((row) => row.actor_name)).size).toBe(2);
  });

  it('a rejected appeal never appears; unpublishing removes a live one at once', async () => {
    const rejected = await proposeFromClue();
    expectStatus(
      await reviewer.client.post(`/appeals/${rejected.id}/review`, {
        decision: 'reject',
        note: 'too detailed',
      }),
      200,
    );
    expect(existsSync(path.join(publishedDir(), `${rejected.publicId}.json`))).toBe(false);

    const appeal = await proposeFromClue();
    expectStatus(await reviewer.client.post(`/appeals/${appeal.id}/review`, { decision: 'approve' }), 200);
    expect(existsSync(path.join(publishedDir(), `${appeal.publicId}.jpg`))).toBe(true);
    expect((await moderator.client.post(`/appeals/${appeal.id}/unpublish`)).status).toBe(403);
    const gone = expectStatus(
      await proposer.client.post<AppealReply>(`/appeals/${appeal.id}/unpublish`),
      200,
    ).body;
    expect(gone.state).toBe('unpublished');
    expect(readdirSync(publishedDir()).filter((name) => name.startsWith(appeal.publicId))).toEqual([]);
    expect((await proposer.client.post(`/appeals/${appeal.id}/unpublish`)).status).toBe(409);
  });
});

describe('tip triage', () => {
  it('takes dropped tips into the owning agency inbox, merges duplicates, makes a lead, records outcomes', async () => {
    const appeal = await proposeFromClue();
    expectStatus(await reviewer.client.post(`/appeals/${appeal.id}/review`, { decision: 'approve' }), 200);
    const drop = (body: string, language: 'en' | 'fr', contact = ''): Promise<void> =>
      server().haven.portal.dropTip({
        id: randomUUID(),
        appealPublicId: appeal.publicId,
        language,
        body,
        country: 'France',
        city: 'Lyon',
        seenWhere: 'supermarket',
        seenWhen: 'last summer',
        contact,
        fingerprint: tipFingerprint(appeal.publicId, body),
        receivedAt: new Date().toISOString(),
      });
    await drop('Sold in Monoprix stores', 'fr', 'me@example.org');
    await new Promise((resolve) => setTimeout(resolve, 5));
    await drop('sold in MONOPRIX stores!', 'en');
    await drop('Probably Spain', 'en');

    expect((await proposer.client.get('/tips')).status).toBe(403);
    expect(expectStatus(await foreignReviewer.client.get('/tips'), 403));
    const inbox = expectStatus(
      await moderator.client.get<{ tips: TipReply[] }>(`/tips?appealId=${appeal.id}`),
      200,
    ).body.tips;
    expect(inbox).toHaveLength(3);
    expect(readdirSync(path.join(server().haven.config.portal.dir, 'tips'))).toEqual([]);
    const first = inbox.find((tip) => tip.body === 'Sold in Monoprix stores')!;
    const repeat = inbox.find((tip) => tip.body === 'sold in MONOPRIX stores!')!;
    const spam = inbox.find((tip) => tip.body === 'Probably Spain')!;
    expect(first.contact).toBe('me@example.org');
    expect(repeat.sameAs).toBe(first.id);
    expect(first.sameAs).toBeNull();

    const merged = expectStatus(
      await moderator.client.post<TipReply>(`/tips/${repeat.id}/merge`, { into: first.id }),
      200,
    ).body;
    expect(merged).toMatchObject({ status: 'duplicate', duplicateOf: first.id });
    expect((await moderator.client.post(`/tips/${first.id}/merge`, { into: first.id })).status).toBe(400);
    expectStatus(await moderator.client.post(`/tips/${spam.id}/status`, { status: 'spam' }), 200);

    const lead = expectStatus(
      await moderator.client.post<TipReply>(`/tips/${first.id}/lead`, { note: 'check the chain' }),
      200,
    ).body;
    expect(lead.status).toBe('useful');
    const comments = expectStatus(
      await proposer.client.get<{ comments: { id: string; kind: string; body: string }[] }>(
        `/series/${seriesId}/comments`,
      ),
      200,
    ).body.comments;
    const recorded = comments.find((comment) => comment.id === lead.leadCommentId)!;
    expect(recorded.kind).toBe('lead');
    expect(recorded.body).toContain('Sold in Monoprix stores');
    expect(recorded.body).not.toContain('me@example.org');
    expect((await moderator.client.post(`/tips/${first.id}/lead`, {})).status).toBe(409);

    const before = server().haven.portal.figures();
    expectStatus(
      await moderator.client.put(`/tips/${first.id}/outcome`, { outcome: 'country_narrowed', country: 'FR' }),
      200,
    );
    expect(
      (await moderator.client.put(`/tips/${first.id}/outcome`, { outcome: 'country_narrowed' })).status,
    ).toBe(400);
    expectStatus(
      await proposer.client.put(`/appeals/${appeal.id}/outcome`, {
        countryFound: 'FR',
        objectIdentified: true,
        childrenIdentified: 2,
      }),
      200,
    );
    const after = (await server().haven.portal.figures())!;
    expect(after.childrenIdentified - ((await before)?.childrenIdentified ?? 0)).toBe(2);
    expect(after.tipsReceived).toBeGreaterThanOrEqual(3);
    expect(after.countriesFound).toBeGreaterThanOrEqual(1);
    expect((await foreignReviewer.client.post(`/tips/${spam.id}/status`, { status: 'useful' })).status).toBe(
      403,
    );
  });
});

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createReadStream } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auditService } from '#haven/audit/audit.service.js';
import { readVics } from '#haven/sharing/vics/vics-reader.js';
import { parseVicsMedia } from '#haven/sharing/vics/vics-record.js';
import type { VicsCase, VicsMedia } from '#haven/sharing/vics/vics.types.js';
import { parseVicsCase } from '#haven/sharing/vics/vics-record.js';
import { errorCode, expectStatus, type ApiClient } from './support/api-client.js';
import { apiServerForFile } from './support/api-server.js';
import { pictureJpeg } from './support/images.js';
import { tempDir } from './support/temp-dir.js';
import { agencyWithMember, createSeries, shareSeries, uploadCase } from './support/workspace.js';

const server = apiServerForFile();

async function exported(
  client: ApiClient,
  route: string,
): Promise<{ media: VicsMedia[]; head: VicsCase | null; context: string; count: string | null }> {
  const response = await client.get(route);
  expect(response.status, response.text).toBe(200);
  expect(response.headers.get('content-disposition')).toMatch(
    /^attachment; filename="[A-Za-z0-9._-]+\.vics\.json"$/,
  );
  const file = path.join(tempDir(), 'export.json');
  writeFileSync(file, response.text);
  const media: VicsMedia[] = [];
  let head: VicsCase | null = null;
  let context = '';
  for await (const events of readVics(createReadStream(file))) {
    for (const event of events) {
      if (event.kind === 'media') {
        media.push(parseVicsMedia(event.record, event.recordNumber, 'free'));
      } else if (event.kind === 'case') {
        head = parseVicsCase(event.fields, 1);
      } else {
        context = `${event.context.variant}#${event.context.form}`;
      }
    }
  }
  return { media, head, context, count: response.headers.get('x-haven-media-count') };
}

describe('VICS export of cases and series over HTTP', () => {
  it('exports what the caller may see, with categories and series numbers, audited; others get not found', async () => {
    const { haven, url } = server();
    const [owner, partner, stranger] = await Promise.all([
      agencyWithMember(haven, url, 'NL'),
      agencyWithMember(haven, url, 'BE'),
      agencyWithMember(haven, url, 'DE'),
    ]);
    const upload = await uploadCase(owner.client, [
      { name: 'one.jpg', bytes: await pictureJpeg(901) },
      { name: 'two.jpg', bytes: await pictureJpeg(902) },
    ]);
    const one = upload.media.get('one.jpg')!;
    const two = upload.media.get('two.jpg')!;
    expectStatus(await owner.client.post(`/media/${one}/categories`, { scheme: 'vics_us', code: '1' }), 201);
    expectStatus(await owner.client.post(`/media/${two}/categories`, { scheme: 'uk', code: 'B' }), 201);
    const series = await createSeries(owner.client, [one, two]);

    const us = await exported(owner.client, `/cases/${upload.caseId}/vics`);
    expect(us.context).toBe('US#Cases');
    expect(us.count).toBe('2');
    expect(us.media).toHaveLength(2);
    const sha = async (id: string): Promise<string> =>
      (expectStatus(await owner.client.get(`/media/${id}`), 200).body.sha256 as string).toLowerCase();
    const [shaOne, shaTwo] = [await sha(one), await sha(two)];
    const recordOf = (list: VicsMedia[], hash: string): VicsMedia | undefined =>
      list.find((m) => m.sha256 === hash);
    expect(recordOf(us.media, shaOne)).toMatchObject({
      category: '1',
      series: series.number,
      mimeType: 'image/jpeg',
    });
    expect(recordOf(us.media, shaTwo)).toMatchObject({ category: null, series: series.number });
    expect(recordOf(us.media, shaOne)!.md5).toMatch(/^[0-9a-f]{32}$/);
    expect(recordOf(us.media, shaOne)!.pdq).toMatch(/^[0-9a-f]{64}$/);
    expect(recordOf(us.media, shaOne)!.mediaFiles.map((f) => f.fileName)).toEqual(['one.jpg']);
    expect(us.head).toMatchObject({ caseNumber: expect.stringMatching(/^WS-/) as unknown });

    const uk = await exported(owner.client, `/series/${series.id}/vics?variant=UK`);
    expect(uk.context).toBe('UK#Cases');
    expect(uk.head).toMatchObject({ caseNumber: series.number });
    expect(recordOf(uk.media, shaTwo)).toMatchObject({ category: 'B', series: series.number });
    expect(recordOf(uk.media, shaOne)).toMatchObject({ category: null });

    // The series is shared with the partner, the case is not: the partner's export holds no media.
    await shareSeries(owner.client, series.id, [partner.agency.id]);
    const partnerView = await exported(partner.client, `/series/${series.id}/vics`);
    expect(partnerView.media).toEqual([]);
    expectStatus(await partner.client.get(`/cases/${upload.caseId}/vics`), 404);
    // Once the case is shared too, the partner sees the media (and its files) like the owner.
    expectStatus(
      await owner.client.put(`/cases/${upload.caseId}/sharing`, {
        sharing: 'selected',
        agencies: [partner.agency.id],
      }),
      200,
    );
    expect((await exported(partner.client, `/series/${series.id}/vics`)).media).toHaveLength(2);

    for (const route of [`/cases/${upload.caseId}/vics`, `/series/${series.id}/vics`]) {
      const refused = await stranger.client.get(route);
      expect(refused.status).toBe(404);
      expect(refused.text).not.toContain(shaOne);
    }

    const audit = await auditService.search(haven.db, { action: 'series.export_vics', limit: 10 });
    expect(audit.filter((a) => a.objectId === series.id).map((a) => a.details)).toEqual([
      { variant: 'US', media: 2 },
      { variant: 'US', media: 0 },
      { variant: 'UK', media: 2 },
    ]);
  });

  it('refuses hostile parameters with a validation error', async () => {
    const { haven, url } = server();
    const owner = await agencyWithMember(haven, url, 'FR');
    const upload = await uploadCase(owner.client, [{ name: 'x.jpg', bytes: await pictureJpeg(911) }]);
    for (const route of [
      `/cases/${upload.caseId}/vics?variant=FR`,
      `/cases/${upload.caseId}/vics?variant=US&extra=1`,
      `/cases/not-a-uuid/vics`,
      '/series/%27%3B%20DROP%20TABLE%20media%3B--/vics',
      `/cases/${upload.caseId}/vics?variant=${'U'.repeat(10_000)}`,
    ]) {
      const response = await owner.client.get(route);
      expect(response.status, route).toBe(400);
      expect(errorCode(response)).toBe('VALIDATION_FAILED');
    }
    expectStatus(await owner.client.get(`/series/00000000-0000-4000-8000-000000000000/vics`), 404);
  });
});

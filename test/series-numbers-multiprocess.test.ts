import { describe, expect, it, onTestFinished } from 'vitest';
import { expectStatus, seedAgency, seedUser, signedInClient } from './support/api-client.js';
import { startApiServer } from './support/api-server.js';
import { pictureJpeg } from './support/images.js';
import { onPostgres } from './support/test-database.js';
import { uploadCase, type SeriesReply } from './support/workspace.js';

/**
 * Series numbers stay unique when several Haven processes share one PostgreSQL database: two
 * servers (two data directories, one database) create series at the same time. Only PostgreSQL
 * allows several processes on one database; the embedded one has one process per data directory.
 */
describe.runIf(onPostgres())('series numbers across processes', () => {
  it('never hands out a number twice and leaves no gap', async () => {
    const first = await startApiServer();
    onTestFinished(() => first.close());
    const agency = await seedAgency(first.haven, { country: 'SE' });
    const user = await seedUser(first.haven, { agencyId: agency.id, roles: ['investigator'] });
    const one = await signedInClient(first.url, user);
    // Uploaded before the second process starts: its job must run where the upload's evidence is
    // (the two data directories do not share an evidence store here).
    const material = await uploadCase(one, [{ name: 'a.jpg', bytes: await pictureJpeg(3101) }]);
    const mediaId = material.media.get('a.jpg')!;
    const second = await startApiServer({ DATABASE_URL: first.haven.config.databaseUrl! });
    onTestFinished(() => second.close());
    const two = await signedInClient(second.url, user);

    const created = await Promise.all(
      Array.from(
        { length: 24 },
        async (_, index) =>
          expectStatus(
            await (index % 2 === 0 ? one : two).post<SeriesReply>('/series', {
              title: `Race ${index}`,
              mediaIds: [mediaId],
            }),
            201,
          ).body.number,
      ),
    );
    const sequence = created.map((number) => Number(number.slice(-5))).sort((a, b) => a - b);
    expect(new Set(created).size).toBe(24);
    expect(sequence).toEqual(Array.from({ length: 24 }, (_, index) => index + 1));
    expect(created.every((number) => number.startsWith(`SE-${new Date().getUTCFullYear()}-`))).toBe(true);
  });
});

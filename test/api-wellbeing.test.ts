import { describe, expect, it } from 'vitest';
import {
  errorCode,
  expectStatus,
  seedAgency,
  seedUser,
  signedInClient,
  type ApiClient,
} from './support/api-client.js';
import { apiServerForFile } from './support/api-server.js';

const server = apiServerForFile();

interface Settings {
  blurPreviews: boolean;
  greyscalePreviews: boolean;
  muteVideo: boolean;
  breakReminderMinutes: number;
}

interface Exposure {
  todaySeconds: number;
  sinceBreakSeconds: number;
  lastBreakAt: string | null;
  breakReminderMinutes: number;
  days: { day: string; seconds: number; items: number; breaks: number }[];
}

async function investigator(): Promise<ApiClient> {
  const { haven, url } = server();
  const agency = await seedAgency(haven);
  return signedInClient(url, await seedUser(haven, { agencyId: agency.id, roles: ['investigator'] }));
}

describe('wellbeing API', () => {
  it('starts protective, lets a user relax only their own settings, and keeps the change', async () => {
    const alice = await investigator();
    const bob = await investigator();
    expect(expectStatus(await alice.get<Settings>('/wellbeing/settings'), 200).body).toEqual({
      blurPreviews: true,
      greyscalePreviews: true,
      muteVideo: true,
      breakReminderMinutes: 30,
    });
    const relaxed = expectStatus(
      await alice.patch<Settings>('/wellbeing/settings', {
        greyscalePreviews: false,
        breakReminderMinutes: 45,
      }),
      200,
    ).body;
    expect(relaxed).toEqual({
      blurPreviews: true,
      greyscalePreviews: false,
      muteVideo: true,
      breakReminderMinutes: 45,
    });
    expect(expectStatus(await alice.get<Settings>('/wellbeing/settings'), 200).body).toEqual(relaxed);
    // Another user's settings are untouched.
    expect(expectStatus(await bob.get<Settings>('/wellbeing/settings'), 200).body.greyscalePreviews).toBe(
      true,
    );
  });

  it('logs exposure per user, counts since the last break, and resets at a break', async () => {
    const alice = await investigator();
    const bob = await investigator();
    expect((await alice.post('/wellbeing/exposure', { seconds: 40, items: 2 })).status).toBe(204);
    expect((await alice.post('/wellbeing/exposure', { seconds: 20, items: 1 })).status).toBe(204);
    let log = expectStatus(await alice.get<Exposure>('/wellbeing/exposure?days=3'), 200).body;
    expect(log.todaySeconds).toBe(60);
    expect(log.sinceBreakSeconds).toBe(60);
    expect(log.lastBreakAt).toBeNull();
    expect(log.days).toEqual([
      { day: new Date().toISOString().slice(0, 10), seconds: 60, items: 3, breaks: 0 },
    ]);

    expect((await alice.post('/wellbeing/breaks', { seconds: 300 })).status).toBe(204);
    expect((await alice.post('/wellbeing/exposure', { seconds: 5, items: 1 })).status).toBe(204);
    log = expectStatus(await alice.get<Exposure>('/wellbeing/exposure'), 200).body;
    expect(log.todaySeconds).toBe(65);
    expect(log.sinceBreakSeconds).toBe(5);
    expect(log.lastBreakAt).not.toBeNull();
    expect(log.days[0]!.breaks).toBe(1);

    // Bob's log is his own.
    const bobs = expectStatus(await bob.get<Exposure>('/wellbeing/exposure'), 200).body;
    expect([bobs.todaySeconds, bobs.days]).toEqual([0, []]);
  });

  it('refuses hostile input with a clear error and records nothing', async () => {
    const alice = await investigator();
    const refused = [
      await alice.patch('/wellbeing/settings', {}),
      await alice.patch('/wellbeing/settings', { breakReminderMinutes: 1 }),
      await alice.patch('/wellbeing/settings', { breakReminderMinutes: 10_000 }),
      await alice.patch('/wellbeing/settings', { blurPreviews: 'no' }),
      await alice.patch('/wellbeing/settings', { blurPreviews: false, userId: 'someone-else' }),
      await alice.post('/wellbeing/exposure', { seconds: -5, items: 0 }),
      await alice.post('/wellbeing/exposure', { seconds: 3601, items: 0 }),
      await alice.post('/wellbeing/exposure', { seconds: 1.5, items: 0 }),
      await alice.post('/wellbeing/exposure', { seconds: 10 }),
      await alice.post('/wellbeing/exposure', { seconds: 10, items: 1, at: '1999-01-01' }),
      await alice.post('/wellbeing/breaks', { seconds: 'long' }),
      await alice.get('/wellbeing/exposure?days=0'),
      await alice.get('/wellbeing/exposure?days=91'),
    ];
    expect(refused.map((response) => [response.status, errorCode(response)])).toEqual(
      refused.map(() => [400, 'VALIDATION_FAILED']),
    );
    // Writes without the session's CSRF token are refused too.
    const noCsrf = await alice.post('/wellbeing/exposure', { seconds: 10, items: 1 }, { csrf: null });
    expect([noCsrf.status, errorCode(noCsrf)]).toEqual([403, 'CSRF_FAILED']);
    const log = expectStatus(await alice.get<Exposure>('/wellbeing/exposure'), 200).body;
    expect(log.todaySeconds).toBe(0);
    expect(expectStatus(await alice.get<Settings>('/wellbeing/settings'), 200).body.blurPreviews).toBe(true);
  });

  it('is only for signed-in users', async () => {
    const { url } = server();
    const anonymous = await fetch(`${url}/api/v1/wellbeing/settings`);
    expect(anonymous.status).toBe(401);
  });
});

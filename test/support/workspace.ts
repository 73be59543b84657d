import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { Role } from '#haven/access/permissions.js';
import type { Agency } from '#haven/accounts/agency.types.js';
import type { Haven } from '#haven/app/haven.js';
import { expectStatus, seedAgency, seedUser, signedInClient, type ApiClient } from './api-client.js';
import { uploadFiles, waitForIngest, type UploadFile } from './api-upload.js';
import { pictureJpeg } from './images.js';
import { tempDir } from './temp-dir.js';

/** Helpers for the investigators' workspace tests: members, material uploaded over HTTP, series. */

export const unique = (): string => randomBytes(5).toString('hex');

export interface Member {
  readonly agency: Agency;
  readonly client: ApiClient;
  readonly userId: string;
}

export async function member(
  haven: Haven,
  url: string,
  agency: Agency,
  role: Role = 'investigator',
): Promise<Member> {
  const user = await seedUser(haven, { agencyId: agency.id, roles: [role] });
  return { agency, client: await signedInClient(url, user), userId: user.id };
}

export async function agencyWithMember(
  haven: Haven,
  url: string,
  country: string,
  role: Role = 'investigator',
): Promise<Member> {
  const agency = await seedAgency(haven, { country, contact: `vid-${unique()}@example.org` });
  return member(haven, url, agency, role);
}

export interface Uploaded {
  readonly caseId: string;
  readonly ingestId: string;
  /** Media id per uploaded file name. */
  readonly media: ReadonlyMap<string, string>;
  readonly items: readonly { path: string; status: string; mediaId: string | null; matches: unknown[] }[];
}

/** A case of the member's agency (optionally shared) with the files uploaded and ingested. */
export async function uploadCase(
  owner: ApiClient,
  files: readonly UploadFile[],
  sharing?: { sharing: 'selected' | 'network'; agencies?: string[] },
): Promise<Uploaded> {
  const caseId = expectStatus(await owner.post('/cases', { reference: `WS-${unique()}` }), 201).body
    .id as string;
  if (sharing) {
    expectStatus(await owner.put(`/cases/${caseId}/sharing`, { agencies: [], ...sharing }), 200);
  }
  const ingestId = expectStatus(await owner.post('/ingests', { caseId }), 201).body.id as string;
  const sent = await uploadFiles(owner, ingestId, files);
  expect(sent.status, JSON.stringify(sent.body)).toBe(201);
  expectStatus(await owner.post(`/ingests/${ingestId}/start`), 202);
  await waitForIngest(owner, ingestId);
  const items = expectStatus(
    await owner.get<{ items: Uploaded['items'] }>(`/ingests/${ingestId}/results`),
    200,
  ).body.items;
  const media = new Map<string, string>();
  for (const item of items) {
    if (item.mediaId) {
      media.set(item.path.replace(/^upload\//, ''), item.mediaId);
    }
  }
  return { caseId, ingestId, media, items };
}

export interface SeriesReply {
  id: string;
  number: string;
  title: string;
  status: string;
  agencyId: string;
  own: boolean;
  sharing: string;
  mediaCount: number;
  mergedInto: string | null;
  victimIdentified: { at: string; agencyId: string | null } | null;
  probableCountry: { country: string; confidence: string | null; evidence: string | null } | null;
  offenderIdentified: boolean;
}

export async function createSeries(
  owner: ApiClient,
  mediaIds: readonly string[],
  extra: Record<string, unknown> = {},
): Promise<SeriesReply> {
  return expectStatus(
    await owner.post<SeriesReply>('/series', { title: `Series ${unique()}`, mediaIds, ...extra }),
    201,
  ).body;
}

export async function shareSeries(owner: ApiClient, id: string, agencies: readonly string[]): Promise<void> {
  expectStatus(await owner.put(`/series/${id}/sharing`, { sharing: 'selected', agencies }), 200);
}

/** A generated JPEG carrying an EXIF GPS position (written by exiftool, as a camera would). */
export async function pictureWithGps(seed: number, latitude: number, longitude: number): Promise<Buffer> {
  const dir = tempDir('haven-gps-');
  const file = path.join(dir, 'gps.jpg');
  writeFileSync(file, await pictureJpeg(seed));
  execFileSync('exiftool', [
    '-q',
    `-GPSLatitude=${Math.abs(latitude)}`,
    `-GPSLatitudeRef=${latitude >= 0 ? 'N' : 'S'}`,
    `-GPSLongitude=${Math.abs(longitude)}`,
    `-GPSLongitudeRef=${longitude >= 0 ? 'E' : 'W'}`,
    '-overwrite_original',
    file,
  ]);
  return readFileSync(file);
}

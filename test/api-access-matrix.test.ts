import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PERMISSIONS,
  ROLE_PERMISSIONS,
  ROLES,
  requiresMfa,
  type Permission,
  type Role,
} from '#haven/access/permissions.js';
import { systemActor } from '#haven/access/actor.js';
import type { Agency } from '#haven/accounts/agency.types.js';
import { hashSetImportService } from '#haven/sharing/hash-set-import.service.js';
import type { RouteSpec } from '#haven/http/route.js';
import {
  ApiClient,
  bearer,
  expectStatus,
  nextTotpCode,
  seedAgency,
  seedUser,
  signedInClient,
  totpCode,
  type ApiResponse,
  type JsonObject,
  type SeededUser,
} from './support/api-client.js';
import {
  APPEAL_TAGS,
  cellsPerCaller,
  checkCell,
  COLUMNS,
  expectProbesCoverRoutes,
  FORBIDDEN,
  matrixCallers,
  matrixColumnTests,
  NOT_FOUND,
  routesOf,
  scopedOutcome,
  successStatus,
  SCOPES,
  TOKEN_ROLES,
  UNAUTHENTICATED,
  WORKSPACE_TAGS,
  type CellProbe,
  type MatrixCaller,
  type MatrixReply,
  type Outcome,
  type Scope,
} from './support/access-matrix.js';
import { apiServerForFile } from './support/api-server.js';
import { uploadFiles, waitForIngest } from './support/api-upload.js';
import { pictureJpeg } from './support/images.js';
import { ffmpeg, melody } from './support/videos.js';

/**
 * The access policy as a matrix: every caller (each role signed in, each role through an API token
 * holding all its permissions, and nobody) x every route x the object's owner (own agency, an
 * agency sharing with us, a foreign one). The expected outcome of each cell is derived from the
 * policy (permissions.ts, the route's declared access, the sharing rules below), never typed per
 * cell, and the list of routes comes from the route specs: a route without a probe fails the test.
 */

const server = apiServerForFile();

/**
 * How a route's objects are scoped once the caller holds its permission.
 * - open: no object, one every member may see (the agency directory, hash lookup), or the caller's own
 *   (wellbeing settings and exposure log);
 * - read: within sharing (own, shared with us, network); a foreign one is NOT_FOUND;
 * - owner: only the owning agency (ingest into, change sharing of): shared FORBIDDEN, foreign NOT_FOUND;
 * - admin: users of the administrator's own agency (central administration: every agency), others NOT_FOUND;
 * - admin-create: a user in the administrator's own agency (agencies are no secret: others FORBIDDEN);
 * - mine: the caller's own tokens; anyone else's NOT_FOUND;
 * - all-agencies: central administration only (the audit chain spans every agency).
 */
type Rule = 'open' | 'read' | 'owner' | 'admin' | 'admin-create' | 'mine' | 'all-agencies';

/** Roles acting across agencies for people and audit (account-actor.ts: allAgencies). */
const ALL_AGENCY_ROLES: ReadonlySet<Role> = new Set<Role>(['central_admin']);
/** One column of the matrix: who calls, and what the policy grants them. */
interface Caller extends MatrixCaller {
  readonly allAgencies: boolean;
}

interface Reply extends MatrixReply {
  readonly headers: Headers | null;
  /** The raw answer, for pictures and byte ranges. */
  readonly bytes?: Buffer;
}

interface Probe extends CellProbe<Caller, Reply> {
  /** `METHOD /path` exactly as the route spec declares it. */
  readonly route: string;
  readonly variant?: string;
  readonly rule: Rule;
  /** Permissions needed on top of the route's own (e.g. media.preview.clear for ?variant=clear). */
  readonly extra?: readonly Permission[];
  /** Acts on the caller's browser session itself: API tokens are refused. */
  readonly sessionOnly?: boolean;
  /** The status of an allowed answer when it is not the route's lowest 2xx (206 for a byte range). */
  readonly allowedStatus?: number;
}

interface Material {
  readonly caseId: string;
  readonly reference: string;
  readonly ingestId: string;
  readonly mediaId: string;
  readonly sha256: string;
}

/** A video held in a scope's case, analysed: its kept frames and one stored frame picture. */
interface VideoMaterial {
  readonly mediaId: string;
  readonly bytes: Buffer;
  readonly positions: readonly number[];
  readonly picturePosition: number;
}

interface World {
  readonly url: string;
  readonly agencies: Readonly<Record<Scope, Agency>>;
  /** An investigator of each agency: owns its case and material, makes fresh objects for probes. */
  readonly owners: Readonly<Record<Scope, ApiClient>>;
  readonly material: Readonly<Record<Scope, Material>>;
  /** One video per agency, all three with the same sound track over different pictures. */
  readonly videos: Readonly<Record<Scope, VideoMaterial>>;
  /** Users to administer, one per agency. */
  readonly targets: Readonly<Record<Scope, SeededUser>>;
  /** Tokens of other users: a colleague in our agency (shared) and a foreign investigator. */
  readonly otherTokens: Readonly<Record<'shared' | 'foreign', string>>;
  readonly callers: ReadonlyMap<string, Caller>;
  readonly routes: ReadonlyMap<string, RouteSpec>;
  /** A face on each scope's picture and a suggestion in each scope's series (see seedFaces). */
  readonly faces: Readonly<Record<Scope, { faceId: string; suggestionId: string }>>;
}

let world: World;

const unique = (): string => randomBytes(5).toString('hex');
const newPassword = (): string => `Pw-${randomBytes(12).toString('base64url')}-x9`;
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

// --- account routes: each acts on a fresh user of the caller's role, never on the caller's session

/** A user of this role in our agency (the unauthenticated caller signs in as an investigator). */
const freshUser = (role: Role | null): Promise<SeededUser> =>
  seedUser(server().haven, { agencyId: world.agencies.own.id, roles: [role ?? 'investigator'] });

/** A fresh browser for sessions; API token callers send their token along. */
const freshClient = (caller: Caller): ApiClient =>
  caller.token === null ? new ApiClient(world.url) : bearer(world.url, caller.token);

async function login(client: ApiClient, user: SeededUser): Promise<ApiResponse> {
  return client.post('/auth/login', { username: user.username, password: user.password });
}

/** A user with an authenticator (enrolled on purpose for roles that need none). */
async function enrolledUser(role: Role): Promise<SeededUser> {
  const user = await freshUser(role);
  const client = await signedInClient(world.url, user);
  if (!user.totpSecret) {
    const started = expectStatus(await client.post<{ secret: string }>('/auth/mfa/enrolment', {}), 200);
    user.totpSecret = started.body.secret;
    expectStatus(await client.post('/auth/mfa/enrolment/confirm', { code: await nextTotpCode(user) }), 200);
  }
  return user;
}

/**
 * An account route: a signed-in caller of any role acts on a fresh session of its own role (so the
 * matrix's own sessions live on); token and unauthenticated callers send a well-formed request.
 */
function accountProbe(
  route: string,
  asSession: (role: Role) => Promise<Reply>,
  otherwise: (client: ApiClient) => Promise<Reply>,
): Probe {
  return {
    route,
    rule: 'open',
    sessionOnly: true,
    call: (caller) =>
      caller.via === 'session' && caller.role !== null ? asSession(caller.role) : otherwise(caller.client),
  };
}

// --- fresh objects for probes that change them

async function freshCase(scope: Scope): Promise<string> {
  const owner = world.owners[scope];
  const created = expectStatus(await owner.post('/cases', { reference: `MX-${scope}-${unique()}` }), 201);
  const id = created.body.id as string;
  if (scope === 'shared') {
    expectStatus(
      await owner.put(`/cases/${id}/sharing`, { sharing: 'selected', agencies: [world.agencies.own.id] }),
      200,
    );
  }
  return id;
}

/** A new ingest open for uploads in the scope's case, made by its owner. */
async function freshIngest(scope: Scope): Promise<string> {
  const created = expectStatus(
    await world.owners[scope].post('/ingests', { caseId: world.material[scope].caseId }),
    201,
  );
  return created.body.id as string;
}

async function newTokenId(client: ApiClient): Promise<string> {
  const created = expectStatus(
    await client.post('/tokens', { name: `matrix ${unique()}`, scopes: ['agency.read'], expiresInDays: 1 }),
    201,
  );
  return created.body.id as string;
}

let matrixSet: Promise<string> | undefined;
/** One small hash set, imported once, for the export probe. */
function matrixHashSet(): Promise<string> {
  matrixSet ??= (async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'haven-matrix-set-'));
    const file = path.join(dir, 'list.txt');
    writeFileSync(file, `${createHash('md5').update('matrix set').digest('hex')}\n`);
    await hashSetImportService.importFile(server().haven.db, file, {
      name: 'matrix-set',
      purpose: 'known',
      source: 'access matrix',
      licence: null,
      trust: 'trusted',
      providerShared: false,
      mode: 'replace',
      dryRun: false,
      bestEffort: false,
      baseline: false,
      actor: systemActor('access-matrix'),
    });
    rmSync(dir, { recursive: true, force: true });
    return 'matrix-set';
  })();
  return matrixSet;
}

/** A hash list sent to the hash-set import route as a dry run (nothing stored, so every cell may). */
async function hashListUpload(caller: Caller): Promise<Reply> {
  const form = new FormData();
  form.append('file', new Blob([`${createHash('md5').update(unique()).digest('hex')}\n`]), 'list.txt');
  const headers: Record<string, string> = {};
  if (caller.token !== null) {
    headers.authorization = `Bearer ${caller.token}`;
  } else if (caller.client.cookies.size > 0) {
    headers.cookie = [...caller.client.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    if (caller.client.csrfToken) {
      headers['x-csrf-token'] = caller.client.csrfToken;
    }
  }
  const response = await fetch(`${world.url}/api/v1/hashsets/matrix-${unique()}/import?dryRun=true`, {
    method: 'POST',
    headers,
    body: form,
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as JsonObject) : {}, text, headers: null };
}

async function upload(caller: Caller, ingestId: string): Promise<Reply> {
  const bytes = new TextEncoder().encode(`matrix upload ${unique()}\n`);
  const sent = await uploadFiles(caller.client, ingestId, [{ name: 'note.txt', bytes }], {
    ...(caller.token === null ? {} : { bearer: caller.token }),
  });
  return { status: sent.status, body: sent.body, text: JSON.stringify(sent.body), headers: null };
}

/** POST /similar with a generated picture as multipart, with the caller's cookies, CSRF token or API token. */
async function similarUpload(caller: Caller): Promise<Reply> {
  const form = new FormData();
  form.append('file', new Blob([await pictureJpeg(9150)]), 'probe.jpg');
  const headers: Record<string, string> = {};
  if (caller.token !== null) {
    headers.authorization = `Bearer ${caller.token}`;
  } else if (caller.client.cookies.size > 0) {
    headers.cookie = [...caller.client.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
  if (caller.client.csrfToken) {
    headers['x-csrf-token'] = caller.client.csrfToken;
  }
  const response = await fetch(`${world.url}/api/v1/similar`, { method: 'POST', headers, body: form });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as unknown) : undefined,
    text,
    headers: response.headers,
  };
}

/** A GET keeping the answer's bytes (pictures, byte ranges), with the caller's cookies or token. */
async function getBytes(caller: Caller, route: string, headers: Record<string, string> = {}): Promise<Reply> {
  const sent: Record<string, string> = { ...headers };
  if (caller.token !== null) {
    sent.authorization = `Bearer ${caller.token}`;
  } else if (caller.client.cookies.size > 0) {
    sent.cookie = [...caller.client.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
  const response = await fetch(`${world.url}/api/v1${route}`, { headers: sent });
  const bytes = Buffer.from(await response.arrayBuffer());
  const text = bytes.toString('utf8');
  const json = (response.headers.get('content-type') ?? '').includes('json') && bytes.length > 0;
  return {
    status: response.status,
    body: json ? JSON.parse(text) : undefined,
    text,
    headers: response.headers,
    bytes,
  };
}

/** Whether a picture is greyscale (the blurred variants are; the generated test videos are colourful). */
async function isGrey(bytes: Buffer | undefined): Promise<boolean> {
  const [r, g, b] = (await sharp(bytes).stats()).channels;
  return Math.abs(r!.mean - g!.mean) + Math.abs(g!.mean - b!.mean) < 2;
}

/** A frame picture: WebP, greyscale exactly when blurred, the video's own size when decoded clear. */
function framePicture(variant: 'blurred' | 'clear', size?: readonly [number, number]) {
  return async (_body: JsonObject, _caller: Caller, _scope: Scope | null, sent: Reply): Promise<void> => {
    expect(sent.headers?.get('content-type')).toBe('image/webp');
    expect(await isGrey(sent.bytes)).toBe(variant === 'blurred');
    if (size && variant === 'clear') {
      const { width, height } = await sharp(sent.bytes).metadata();
      expect([width, height]).toEqual(size);
    }
  };
}

/** Where the video's stored frame picture is (an id that exists nowhere asks at our video's position). */
const picturePosition = (mediaId: string): number =>
  (Object.values(world.videos).find((video) => video.mediaId === mediaId) ?? world.videos.own)
    .picturePosition;

const VIDEO_SECONDS = 6;
const VIDEO_SIZE = [320, 240] as const;
/** A different generated picture for each agency's video. */
const VIDEO_SOURCES: Readonly<Record<Scope, string>> = {
  own: 'testsrc',
  shared: 'testsrc2',
  foreign: 'smptebars',
};

/** The caller's exposure reports and settings: each probe of a user sends the same, whatever its column. */
const REPORTED_SECONDS = 60;
const REMINDER_MINUTES = 45;
/** Logged by another user of our agency before the probes: it must never show in a caller's log. */
const OWNER_SECONDS = 3600;

// --- the probes: one (or more) per route

interface ShownMatch {
  restricted: boolean;
  mediaId?: string;
  sha256?: string;
  cases?: string[];
  holders?: { agency: string }[];
}
interface ResultItem {
  path: string;
  status: string;
  mediaId: string | null;
  matches: ShownMatch[];
}

const ids = (list: unknown): string[] => (list as { id: string }[]).map((item) => item.id);

function expectRestricted(match: ShownMatch | undefined, holder: Agency): void {
  expect(match).toMatchObject({ restricted: true, holders: [{ agency: holder.name }] });
  expect(match).not.toHaveProperty('mediaId');
  expect(match).not.toHaveProperty('sha256');
  expect(match).not.toHaveProperty('cases');
}

const PROBES: readonly Probe[] = [
  // Sign-in and the caller's own account.
  {
    // Public: anyone signs in, whatever they send along (a fresh browser, or one carrying a token).
    route: 'POST /auth/login',
    rule: 'open',
    call: async (caller) => login(freshClient(caller), await freshUser(caller.role)),
    verify: (body, caller) => {
      expect(body.stage).toBe(requiresMfa([caller.role ?? 'investigator']) ? 'mfa_enrolment' : 'active');
    },
  },
  accountProbe(
    'POST /auth/mfa',
    async (role) => {
      const user = await enrolledUser(role);
      const client = new ApiClient(world.url);
      expect((await login(client, user)).body).toMatchObject({ stage: 'mfa_required' });
      return client.post('/auth/mfa', { code: await nextTotpCode(user) });
    },
    (client) => client.post('/auth/mfa', { code: '000000' }),
  ),
  accountProbe(
    'POST /auth/mfa/enrolment',
    async (role) => {
      const client = new ApiClient(world.url);
      expectStatus(await login(client, await freshUser(role)), 200);
      return client.post('/auth/mfa/enrolment', {});
    },
    (client) => client.post('/auth/mfa/enrolment', {}),
  ),
  accountProbe(
    'POST /auth/mfa/enrolment/confirm',
    async (role) => {
      const client = new ApiClient(world.url);
      expectStatus(await login(client, await freshUser(role)), 200);
      const started = expectStatus(await client.post<{ secret: string }>('/auth/mfa/enrolment', {}), 200);
      return client.post('/auth/mfa/enrolment/confirm', { code: totpCode(started.body.secret, Date.now()) });
    },
    (client) => client.post('/auth/mfa/enrolment/confirm', { code: '000000' }),
  ),
  {
    route: 'GET /auth/session',
    rule: 'open',
    call: (caller) => caller.client.get('/auth/session'),
    verify: (body, caller) => {
      const role = caller.role!;
      expect(body.user).toMatchObject({
        roles: [role],
        agency: { id: world.agencies.own.id },
        permissions: PERMISSIONS.filter((permission) => ROLE_PERMISSIONS[role].includes(permission)),
      });
      expect(body.csrfToken === null).toBe(caller.via === 'token');
    },
  },
  accountProbe(
    'POST /auth/logout',
    async (role) => (await signedInClient(world.url, await freshUser(role))).post('/auth/logout'),
    (client) => client.post('/auth/logout'),
  ),
  accountProbe(
    'POST /auth/password',
    async (role) => {
      const user = await freshUser(role);
      const client = await signedInClient(world.url, user);
      return client.post('/auth/password', { currentPassword: user.password, newPassword: newPassword() });
    },
    (client) => client.post('/auth/password', { currentPassword: 'not-checked', newPassword: newPassword() }),
  ),

  // The caller's own wellbeing settings and exposure log (any signed-in user, by session or token).
  {
    route: 'PATCH /wellbeing/settings',
    rule: 'open',
    call: (caller) => caller.client.patch('/wellbeing/settings', { breakReminderMinutes: REMINDER_MINUTES }),
    verify: (body) => {
      // Changing the reminder leaves the protective defaults as they were.
      expect(body).toEqual({
        blurPreviews: true,
        greyscalePreviews: true,
        muteVideo: true,
        breakReminderMinutes: REMINDER_MINUTES,
      });
    },
  },
  {
    route: 'GET /wellbeing/settings',
    rule: 'open',
    call: (caller) => caller.client.get('/wellbeing/settings'),
    verify: (body) => {
      // The caller's own change, not the settings another investigator of our agency chose.
      expect(body).toMatchObject({ blurPreviews: true, breakReminderMinutes: REMINDER_MINUTES });
    },
  },
  {
    route: 'POST /wellbeing/exposure',
    rule: 'open',
    call: (caller) => caller.client.post('/wellbeing/exposure', { seconds: REPORTED_SECONDS, items: 3 }),
  },
  {
    route: 'POST /wellbeing/breaks',
    rule: 'open',
    call: (caller) => caller.client.post('/wellbeing/breaks', { seconds: 300 }),
  },
  {
    route: 'GET /wellbeing/exposure',
    rule: 'open',
    call: (caller) => caller.client.get('/wellbeing/exposure?days=2'),
    verify: (body) => {
      // Only the caller's own reports (its session and its token are one user): never a colleague's.
      const today = body.todaySeconds as number;
      expect(today).toBeGreaterThanOrEqual(REPORTED_SECONDS);
      expect(today).toBeLessThanOrEqual(2 * REPORTED_SECONDS);
      expect(body.lastBreakAt).not.toBeNull();
      expect(body.breakReminderMinutes).toBe(REMINDER_MINUTES);
      const days = body.days as { seconds: number; breaks: number }[];
      expect(days.some((day) => day.seconds === today && day.breaks >= 1)).toBe(true);
    },
  },

  // Member agencies.
  {
    route: 'GET /agencies',
    rule: 'open',
    call: (caller) => caller.client.get('/agencies'),
    verify: (body) => {
      expect(ids(body.agencies)).toEqual(expect.arrayContaining(SCOPES.map((s) => world.agencies[s].id)));
    },
  },
  {
    route: 'POST /agencies',
    rule: 'open',
    call: (caller) =>
      caller.client.post('/agencies', { name: `Matrix ${unique()}`, country: 'FR', type: 'national_police' }),
  },
  {
    route: 'GET /agencies/:id',
    rule: 'open',
    target: (scope) => Promise.resolve(world.agencies[scope].id),
    call: (caller, id) => caller.client.get(`/agencies/${id}`),
    verify: (body, _caller, scope) => {
      expect(body.id).toBe(world.agencies[scope!].id);
    },
  },

  // Users.
  {
    route: 'GET /users',
    rule: 'open',
    call: (caller) => caller.client.get('/users'),
    verify: (body, caller) => {
      const users = body.users as { id: string; agency: { id: string } }[];
      const listed = users.map((user) => user.id);
      if (caller.allAgencies) {
        expect(listed).toEqual(expect.arrayContaining(SCOPES.map((s) => world.targets[s].id)));
      } else {
        expect(new Set(users.map((user) => user.agency.id))).toEqual(new Set([world.agencies.own.id]));
        expect(listed).toContain(world.targets.own.id);
      }
    },
  },
  {
    route: 'POST /users',
    rule: 'admin-create',
    target: (scope) => Promise.resolve(world.agencies[scope].id),
    call: (caller, agencyId) =>
      caller.client.post('/users', {
        username: `mx-${unique()}`,
        displayName: 'Matrix user',
        agencyId,
        roles: ['reviewer'],
        password: newPassword(),
      }),
    verify: (body, _caller, scope) => {
      expect(body.agency).toMatchObject({ id: world.agencies[scope!].id });
    },
  },
  {
    route: 'GET /users/:id',
    rule: 'admin',
    target: (scope) => Promise.resolve(world.targets[scope].id),
    call: (caller, id) => caller.client.get(`/users/${id}`),
    verify: (body, _caller, scope) => {
      expect(body.id).toBe(world.targets[scope!].id);
    },
  },
  {
    route: 'PATCH /users/:id',
    rule: 'admin',
    target: (scope) => Promise.resolve(world.targets[scope].id),
    call: (caller, id) => caller.client.patch(`/users/${id}`, { displayName: `Target ${unique()}` }),
  },
  {
    route: 'POST /users/:id/password-reset',
    rule: 'admin',
    target: (scope) => Promise.resolve(world.targets[scope].id),
    call: (caller, id) => caller.client.post(`/users/${id}/password-reset`, { newPassword: newPassword() }),
  },
  {
    route: 'POST /users/:id/mfa-reset',
    rule: 'admin',
    target: (scope) => Promise.resolve(world.targets[scope].id),
    call: (caller, id) => caller.client.post(`/users/${id}/mfa-reset`),
  },

  // API tokens: one's own only.
  {
    route: 'GET /tokens',
    rule: 'open',
    call: (caller) => caller.client.get('/tokens'),
    verify: (body) => {
      const listed = ids(body.tokens);
      expect(listed).not.toContain(world.otherTokens.shared);
      expect(listed).not.toContain(world.otherTokens.foreign);
    },
  },
  {
    route: 'POST /tokens',
    rule: 'open',
    // A token minting tokens would outlive its person's authorisation.
    sessionOnly: true,
    call: (caller) =>
      caller.client.post('/tokens', {
        name: `matrix ${unique()}`,
        scopes: ['agency.read'],
        expiresInDays: 1,
      }),
  },
  {
    route: 'DELETE /tokens/:id',
    rule: 'mine',
    target: (scope, caller) => {
      if (scope !== 'own') {
        return Promise.resolve(world.otherTokens[scope]);
      }
      // Made by the caller's own user; a caller who cannot make tokens gets an id that exists nowhere.
      return caller.session && caller.permissions.has('token.manage')
        ? newTokenId(caller.session)
        : Promise.resolve(randomUUID());
    },
    call: (caller, id) => caller.client.delete(`/tokens/${id}`),
  },

  // Cases.
  {
    route: 'GET /cases',
    rule: 'open',
    call: (caller) => caller.client.get('/cases'),
    verify: (body) => {
      const cases = body.cases as { id: string; agencyId: string; sharing: string; sharedWith: string[] }[];
      const own = world.agencies.own.id;
      for (const listed of cases) {
        expect(
          listed.agencyId === own || listed.sharing === 'network' || listed.sharedWith.includes(own),
          `case ${listed.id} of agency ${listed.agencyId} (${listed.sharing}) is not visible to ours`,
        ).toBe(true);
      }
      const listed = ids(cases);
      expect(listed).toContain(world.material.own.caseId);
      expect(listed).toContain(world.material.shared.caseId);
      expect(listed).not.toContain(world.material.foreign.caseId);
    },
  },
  {
    route: 'POST /cases',
    rule: 'open',
    call: (caller) => caller.client.post('/cases', { reference: `MX-new-${unique()}` }),
    verify: (body) => {
      expect(body).toMatchObject({ agencyId: world.agencies.own.id, sharing: 'agency', own: true });
    },
  },
  {
    route: 'GET /cases/:id',
    rule: 'read',
    target: (scope) => Promise.resolve(world.material[scope].caseId),
    call: (caller, id) => caller.client.get(`/cases/${id}`),
    verify: (body, _caller, scope) => {
      expect(body).toMatchObject({ id: world.material[scope!].caseId, own: scope === 'own' });
    },
  },
  {
    route: 'PUT /cases/:id/sharing',
    rule: 'owner',
    target: (scope) => freshCase(scope),
    call: (caller, id) =>
      caller.client.put(`/cases/${id}/sharing`, {
        sharing: 'selected',
        agencies: [world.agencies.shared.id],
      }),
    verify: (body) => {
      expect(body).toMatchObject({ sharing: 'selected', sharedWith: [world.agencies.shared.id] });
    },
  },

  // Ingests.
  {
    route: 'POST /ingests',
    rule: 'owner',
    target: (scope) => Promise.resolve(world.material[scope].caseId),
    call: (caller, caseId) => caller.client.post('/ingests', { caseId }),
    verify: (body) => {
      expect(body.state).toBe('uploading');
    },
  },
  {
    route: 'POST /ingests/:id/files',
    rule: 'owner',
    target: (scope) => freshIngest(scope),
    call: (caller, id) => upload(caller, id),
    verify: (body) => {
      expect(body.files).toHaveLength(1);
    },
  },
  {
    route: 'POST /ingests/:id/start',
    rule: 'owner',
    target: (scope) => freshIngest(scope),
    call: (caller, id) => caller.client.post(`/ingests/${id}/start`),
  },
  {
    route: 'GET /ingests/:id',
    rule: 'read',
    target: (scope) => Promise.resolve(world.material[scope].ingestId),
    call: (caller, id) => caller.client.get(`/ingests/${id}`),
    verify: (body, _caller, scope) => {
      expect(body).toMatchObject({ id: world.material[scope!].ingestId, state: 'done' });
    },
  },
  {
    route: 'GET /ingests/:id/results',
    rule: 'read',
    target: (scope) => Promise.resolve(world.material[scope].ingestId),
    call: (caller, id) => caller.client.get(`/ingests/${id}/results`),
    verify: (body, _caller, scope) => {
      const items = body.items as ResultItem[];
      const item = (name: string): ResultItem | undefined => items.find((i) => i.path === `upload/${name}`);
      if (scope !== 'own') {
        expect(items.map((i) => i.status)).toEqual(['new']);
        return;
      }
      // Near copies of a shared and of a foreign picture: details within sharing, existence always.
      const nearShared = item('near-shared.jpg');
      expect(nearShared?.status).toBe('near');
      expect(nearShared?.matches).toContainEqual(
        expect.objectContaining({ restricted: false, mediaId: world.material.shared.mediaId }),
      );
      const nearForeign = item('near-foreign.jpg');
      expect(nearForeign?.status).toBe('near');
      expect(nearForeign?.matches).toHaveLength(1);
      expectRestricted(nearForeign?.matches[0], world.agencies.foreign);
    },
  },
  {
    route: 'GET /cases/:id/ingests',
    rule: 'read',
    target: (scope) => Promise.resolve(world.material[scope].caseId),
    call: (caller, id) => caller.client.get(`/cases/${id}/ingests`),
    verify: (body, _caller, scope) => {
      expect(ids(body.ingests)).toContain(world.material[scope!].ingestId);
    },
  },

  // Media.
  {
    route: 'GET /media/:id',
    rule: 'read',
    target: (scope) => Promise.resolve(world.material[scope].mediaId),
    call: (caller, id) => caller.client.get(`/media/${id}`),
    verify: (body, _caller, scope) => {
      expect(body).toMatchObject({
        id: world.material[scope!].mediaId,
        sha256: world.material[scope!].sha256,
      });
      const occurrences = body.occurrences as { caseId: string }[];
      expect(occurrences.map((o) => o.caseId)).toEqual([world.material[scope!].caseId]);
    },
  },
  {
    route: 'GET /media/:id/preview',
    variant: 'blurred',
    rule: 'read',
    target: (scope) => Promise.resolve(world.material[scope].mediaId),
    call: (caller, id) => caller.client.get(`/media/${id}/preview`),
    verify: (_body, _caller, _scope, sent) => {
      expect(sent.headers?.get('content-type')).toBe('image/webp');
    },
  },
  {
    route: 'GET /media/:id/preview',
    variant: 'clear',
    rule: 'read',
    extra: ['media.preview.clear'],
    target: (scope) => Promise.resolve(world.material[scope].mediaId),
    call: (caller, id) => caller.client.get(`/media/${id}/preview?variant=clear`),
    verify: (_body, _caller, _scope, sent) => {
      expect(sent.headers?.get('content-type')).toBe('image/webp');
    },
  },
  {
    route: 'GET /media/:id/original',
    rule: 'read',
    target: (scope) => Promise.resolve(world.material[scope].mediaId),
    call: (caller, id) => caller.client.get(`/media/${id}/original`),
    verify: (_body, _caller, scope, sent) => {
      expect(sent.headers?.get('content-disposition')).toContain(world.material[scope!].sha256);
    },
  },
  {
    // Video playback seeks with byte ranges.
    route: 'GET /media/:id/original',
    variant: 'video range',
    rule: 'read',
    allowedStatus: 206,
    target: (scope) => Promise.resolve(world.videos[scope].mediaId),
    call: (caller, id) => getBytes(caller, `/media/${id}/original`, { range: 'bytes=100-1123' }),
    verify: (_body, _caller, scope, sent) => {
      const video = world.videos[scope!].bytes;
      expect(sent.headers?.get('content-type')).toBe('video/mp4');
      expect(sent.headers?.get('content-range')).toBe(`bytes 100-1123/${video.length}`);
      expect(sent.bytes?.equals(video.subarray(100, 1124))).toBe(true);
    },
  },

  // Videos.
  {
    route: 'GET /media/:id/video',
    rule: 'read',
    target: (scope) => Promise.resolve(world.videos[scope].mediaId),
    call: (caller, id) => caller.client.get(`/media/${id}/video`),
    verify: (body, _caller, scope) => {
      expect(body).toMatchObject({
        mediaId: world.videos[scope!].mediaId,
        videoCodec: 'h264',
        audioCodec: 'aac',
        hasAudio: true,
        width: VIDEO_SIZE[0],
        height: VIDEO_SIZE[1],
        audioMutedByDefault: true,
      });
      expect(body.durationSeconds as number).toBeCloseTo(VIDEO_SECONDS, 0);
    },
  },
  {
    route: 'GET /media/:id/frames',
    rule: 'read',
    target: (scope) => Promise.resolve(world.videos[scope].mediaId),
    call: (caller, id) => caller.client.get(`/media/${id}/frames`),
    verify: (body, _caller, scope) => {
      const frames = body.frames as { position: number; seconds: number; vpdq: string; picture: boolean }[];
      expect(frames.map((frame) => frame.position)).toEqual(world.videos[scope!].positions);
      const seconds = frames.map((frame) => frame.seconds);
      expect(seconds).toEqual([...seconds].sort((a, b) => a - b));
      expect(Math.max(...seconds)).toBeLessThan(VIDEO_SECONDS);
      expect(frames.every((frame) => frame.vpdq.length > 0)).toBe(true);
      expect(frames.find((frame) => frame.picture)?.position).toBe(world.videos[scope!].picturePosition);
    },
  },
  {
    route: 'GET /media/:id/frames/:position/picture',
    variant: 'blurred',
    rule: 'read',
    target: (scope) => Promise.resolve(world.videos[scope].mediaId),
    call: (caller, id) => getBytes(caller, `/media/${id}/frames/${picturePosition(id)}/picture`),
    verify: framePicture('blurred'),
  },
  {
    route: 'GET /media/:id/frames/:position/picture',
    variant: 'clear',
    rule: 'read',
    extra: ['media.preview.clear'],
    target: (scope) => Promise.resolve(world.videos[scope].mediaId),
    call: (caller, id) =>
      getBytes(caller, `/media/${id}/frames/${picturePosition(id)}/picture?variant=clear`),
    verify: framePicture('clear'),
  },
  {
    route: 'GET /media/:id/frame',
    variant: 'blurred',
    rule: 'read',
    target: (scope) => Promise.resolve(world.videos[scope].mediaId),
    call: (caller, id) => getBytes(caller, `/media/${id}/frame?t=1.5`),
    verify: framePicture('blurred'),
  },
  {
    route: 'GET /media/:id/frame',
    variant: 'clear',
    rule: 'read',
    extra: ['media.preview.clear'],
    target: (scope) => Promise.resolve(world.videos[scope].mediaId),
    call: (caller, id) => getBytes(caller, `/media/${id}/frame?t=1.5&variant=clear`),
    verify: framePicture('clear', VIDEO_SIZE),
  },
  {
    // All three videos share their sound: a caller sees the matches within sharing, never the foreign one.
    route: 'GET /media/:id/audio-matches',
    rule: 'read',
    target: (scope) => Promise.resolve(world.videos[scope].mediaId),
    call: (caller, id) => caller.client.get(`/media/${id}/audio-matches`),
    verify: (body, _caller, scope) => {
      const matches = body.matches as { mediaId: string; sha256: string; seconds: number }[];
      const other: Scope = scope === 'own' ? 'shared' : 'own';
      expect(matches.map((match) => match.mediaId)).toEqual([world.videos[other].mediaId]);
      expect(matches[0]?.sha256).toBe(sha256(world.videos[other].bytes));
      expect(matches[0]?.seconds).toBeGreaterThan(VIDEO_SECONDS / 2);
    },
  },
  {
    // A medium's own matches: the same shared sound, in detail within sharing, the foreign video
    // only as a restricted match (its holder, and where the sound lies in the caller's own video).
    route: 'GET /media/:id/matches',
    rule: 'read',
    target: (scope) => Promise.resolve(world.videos[scope].mediaId),
    call: (caller, id) => caller.client.get(`/media/${id}/matches`),
    verify: (body, _caller, scope) => {
      const sound = (body.matches as (ShownMatch & { signal: string; here: number[] })[]).filter(
        (match) => match.signal === 'chromaprint',
      );
      const other: Scope = scope === 'own' ? 'shared' : 'own';
      expect(sound.filter((match) => !match.restricted).map((match) => match.mediaId)).toEqual([
        world.videos[other].mediaId,
      ]);
      const hidden = sound.filter((match) => match.restricted);
      expect(hidden).toHaveLength(1);
      expectRestricted(hidden[0], world.agencies.foreign);
      expect(hidden[0]!.here).toHaveLength(1);
    },
  },

  // Matching: that a match exists and its status, always; details only within sharing.
  {
    route: 'POST /lookup',
    rule: 'open',
    target: (scope) => Promise.resolve(world.material[scope].sha256),
    call: (caller, value) => caller.client.post('/lookup', { hashes: [{ signal: 'sha256', value }] }),
    verify: (body, _caller, scope) => {
      const [result] = body.results as { status: string; matches: ShownMatch[] }[];
      expect(result?.status).toBe('exact');
      expect(result?.matches).toHaveLength(1);
      if (scope === 'foreign') {
        expectRestricted(result?.matches[0], world.agencies.foreign);
      } else {
        expect(result?.matches[0]).toMatchObject({
          restricted: false,
          mediaId: world.material[scope!].mediaId,
          cases: [world.material[scope!].reference],
        });
      }
    },
  },

  // Place and object search: from a medium within sharing, or from an uploaded image.
  {
    route: 'POST /media/:id/similar',
    rule: 'read',
    target: (scope) => Promise.resolve(world.material[scope].mediaId),
    call: (caller, id) => caller.client.post(`/media/${id}/similar`, { limit: 5 }),
    verify: (body) => {
      expect(body.results).toBeInstanceOf(Array);
    },
  },
  {
    route: 'POST /similar',
    rule: 'open',
    call: (caller) => similarUpload(caller),
    verify: (body) => {
      expect(body.results).toBeInstanceOf(Array);
    },
  },
  // Categorisation: within sharing, like reading the medium.
  {
    route: 'GET /media/:id/categories',
    rule: 'read',
    target: (scope) => Promise.resolve(world.material[scope].mediaId),
    call: (caller, id) => caller.client.get(`/media/${id}/categories`),
  },
  {
    route: 'POST /media/:id/categories',
    rule: 'read',
    target: (scope) => Promise.resolve(world.material[scope].mediaId),
    call: (caller, id) => caller.client.post(`/media/${id}/categories`, { scheme: 'vics_us', code: '5' }),
  },

  // VICS export of a case: within sharing, like reading its media.
  {
    route: 'GET /cases/:id/vics',
    rule: 'read',
    target: (scope) => Promise.resolve(world.material[scope].caseId),
    call: (caller, id) => caller.client.get(`/cases/${id}/vics`),
  },

  // Hash sets: installation-wide banks, no agency scope; reading and managing them are permissions.
  {
    route: 'GET /hashsets',
    rule: 'open',
    call: (caller) => caller.client.get('/hashsets'),
  },
  {
    route: 'POST /hashsets/:name/import',
    rule: 'open',
    call: (caller) => hashListUpload(caller),
    verify: (body) => {
      expect(body).toMatchObject({ dryRun: true, added: 1 });
    },
  },
  {
    route: 'GET /hashsets/:name/export',
    rule: 'open',
    call: async (caller) => caller.client.get(`/hashsets/${await matrixHashSet()}/export?format=csv`),
    verify: (_body, _caller, _scope, reply) => {
      expect(reply.text.split('\n')[0]).toBe('md5,sha1,sha256,pdq,category,baseline');
    },
  },

  {
    route: 'GET /hashsets/:name/feedback',
    rule: 'open',
    call: async (caller) => caller.client.get(`/hashsets/${await matrixHashSet()}/feedback?status=all`),
    verify: (body) => {
      expect(body).toEqual({ items: [], next: null });
    },
  },
  {
    route: 'POST /hashsets/:name/feedback/:id',
    rule: 'open',
    // No report concerns the matrix set: an allowed caller gets past the permission to NOT_FOUND.
    allowedStatus: 404,
    call: async (caller) =>
      caller.client.post(`/hashsets/${await matrixHashSet()}/feedback/1`, { action: 'dismissed' }),
  },

  // Provider API: provider keys only; no session or user token opens it.
  {
    route: 'POST /provider/match',
    rule: 'open',
    call: (caller) =>
      caller.client.post('/provider/match', { hashes: [{ type: 'md5', value: '0'.repeat(32) }] }),
  },
  {
    route: 'GET /provider/hashes',
    rule: 'open',
    call: (caller) => caller.client.get('/provider/hashes'),
  },
  {
    route: 'POST /provider/feedback',
    rule: 'open',
    call: (caller) =>
      caller.client.post('/provider/feedback', {
        items: [{ type: 'md5', value: '0'.repeat(32), verdict: 'confirmed' }],
      }),
  },

  // Audit.
  {
    route: 'GET /audit',
    rule: 'open',
    // Asking for the foreign agency's rows: agency administrators still get only their own.
    call: (caller) => caller.client.get(`/audit?agency=${world.agencies.foreign.id}&limit=50`),
    verify: (body, caller) => {
      const agencies = new Set(
        (body.entries as { agencyId: string | null }[]).map((entry) => entry.agencyId),
      );
      expect(agencies).toEqual(
        new Set([caller.allAgencies ? world.agencies.foreign.id : world.agencies.own.id]),
      );
    },
  },
  {
    route: 'GET /audit/verify',
    rule: 'all-agencies',
    call: (caller) => caller.client.get('/audit/verify'),
    verify: (body) => {
      expect(body.ok).toBe(true);
    },
  },

  // Faces (opt-in per agency: ours is on) and text read in images.
  {
    route: 'GET /faces/settings',
    rule: 'open',
    call: (caller) => caller.client.get('/faces/settings'),
    verify: (body) => {
      expect(body.enabled).toBe(true);
    },
  },
  {
    route: 'PUT /faces/settings',
    rule: 'open',
    call: (caller) => caller.client.put('/faces/settings', { enabled: true }),
    verify: (body) => {
      expect(body.enabled).toBe(true);
    },
  },
  {
    route: 'POST /faces/scan',
    rule: 'open',
    call: (caller) => caller.client.post('/faces/scan'),
  },
  {
    route: 'POST /faces/search',
    rule: 'open',
    call: async (caller) => postPicture(caller, '/faces/search', await pictureJpeg(9201, 160, 120)),
    verify: (body) => {
      expect(body).toMatchObject({ faces: [], matches: [] });
    },
  },
  {
    route: 'GET /face-suggestions',
    rule: 'open',
    call: (caller) => caller.client.get('/face-suggestions'),
    verify: (body) => {
      expect(Array.isArray(body.suggestions)).toBe(true);
      expect(typeof body.threshold).toBe('number');
    },
  },
  {
    route: 'POST /face-suggestions/:id/decision',
    rule: 'read',
    target: (scope) => Promise.resolve(world.faces[scope].suggestionId),
    call: (caller, id) => caller.client.post(`/face-suggestions/${id}/decision`, { decision: 'reject' }),
    verify: (body) => {
      expect(body.state).toBe('rejected');
    },
  },
  {
    route: 'GET /faces/:id/crop',
    variant: 'blurred',
    rule: 'read',
    target: (scope) => Promise.resolve(world.faces[scope].faceId),
    call: (caller, id) => getBytes(caller, `/faces/${id}/crop`),
    verify: async (_body, _caller, _scope, sent) => {
      expect(sent.headers?.get('content-type')).toBe('image/webp');
      expect(await isGrey(sent.bytes)).toBe(true);
    },
  },
  {
    route: 'GET /faces/:id/crop',
    variant: 'clear',
    rule: 'read',
    extra: ['media.preview.clear'],
    target: (scope) => Promise.resolve(world.faces[scope].faceId),
    call: (caller, id) => getBytes(caller, `/faces/${id}/crop?variant=clear`),
    verify: async (_body, _caller, _scope, sent) => {
      expect(await isGrey(sent.bytes)).toBe(false);
    },
  },
  {
    route: 'GET /media/:id/text',
    rule: 'read',
    target: (scope) => Promise.resolve(world.material[scope].mediaId),
    call: (caller, id) => caller.client.get(`/media/${id}/text`),
  },
  {
    route: 'GET /texts/search',
    rule: 'open',
    call: (caller) => caller.client.get('/texts/search?q=matrix'),
  },
  {
    route: 'POST /texts/scan',
    rule: 'open',
    call: (caller) => caller.client.post('/texts/scan'),
  },
];

const TOTAL_CELLS = cellsPerCaller(PROBES) * COLUMNS.length;
const probeLabel = (probe: Probe): string => `${probe.route}${probe.variant ? ` (${probe.variant})` : ''}`;

// --- the expected outcome of a cell, from the policy

function expected(probe: Probe, route: RouteSpec, caller: Caller, scope: Scope | null): Outcome {
  const allowed: Outcome = { status: probe.allowedStatus ?? successStatus(route), code: null };
  const { access } = route;
  if ('public' in access) {
    return allowed;
  }
  if ('providerKey' in access) {
    return { status: 401, code: 'PROVIDER_KEY_INVALID' };
  }
  if (caller.via === 'anonymous') {
    return UNAUTHENTICATED;
  }
  const needed = ['permission' in access ? [access.permission] : [], probe.extra ?? []].flat();
  if (needed.some((permission) => !caller.permissions.has(permission))) {
    return FORBIDDEN;
  }
  if (probe.sessionOnly && caller.via === 'token') {
    return FORBIDDEN;
  }
  switch (probe.rule) {
    case 'open':
    case 'read':
    case 'owner':
    case 'mine':
      return scopedOutcome(probe.rule, scope, allowed);
    case 'admin':
      return scope === 'own' || caller.allAgencies ? allowed : NOT_FOUND;
    case 'admin-create':
      return scope === 'own' || caller.allAgencies ? allowed : FORBIDDEN;
    case 'all-agencies':
      return caller.allAgencies ? allowed : FORBIDDEN;
  }
}

/** Runs one cell; returns what went wrong, or null. */
function cell(label: string, probe: Probe, scope: Scope | null): Promise<string | null> {
  const caller = world.callers.get(label)!;
  const route = world.routes.get(probe.route);
  const where = `${caller.label} x ${probeLabel(probe)}${scope ? ` x ${scope}` : ''}`;
  if (!route) {
    return Promise.resolve(`${where}: no such route`);
  }
  return checkCell({ where, caller, probe, scope, want: expected(probe, route, caller, scope) });
}

// --- the world: three agencies, their material, our callers

async function seedMaterial(
  owner: ApiClient,
  files: { name: string; bytes: Uint8Array }[],
  shareWith?: string,
): Promise<Material> {
  const reference = `MX-${unique()}`;
  const created = expectStatus(await owner.post('/cases', { reference, title: 'Matrix series' }), 201);
  const caseId = created.body.id as string;
  if (shareWith) {
    expectStatus(
      await owner.put(`/cases/${caseId}/sharing`, { sharing: 'selected', agencies: [shareWith] }),
      200,
    );
  }
  const ingestId = expectStatus(await owner.post('/ingests', { caseId }), 201).body.id as string;
  const uploaded = await uploadFiles(owner, ingestId, files);
  expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
  expectStatus(await owner.post(`/ingests/${ingestId}/start`), 202);
  await waitForIngest(owner, ingestId);
  const items = expectStatus(await owner.get<{ items: ResultItem[] }>(`/ingests/${ingestId}/results`), 200)
    .body.items;
  const first = files[0]!;
  const item = items.find((i) => i.path === `upload/${first.name}`);
  expect(item?.status).toBe('new');
  return { caseId, reference, ingestId, mediaId: item!.mediaId!, sha256: sha256(first.bytes) };
}

/** A short benign video: a generated test picture over `sound`, H.264 + AAC in MP4. */
function testVideo(dir: string, scope: Scope, sound: string): Buffer {
  const out = path.join(dir, `${scope}.mp4`);
  const [width, height] = VIDEO_SIZE;
  ffmpeg([
    ...[
      '-f',
      'lavfi',
      '-i',
      `${VIDEO_SOURCES[scope]}=duration=${VIDEO_SECONDS}:size=${width}x${height}:rate=10`,
    ],
    ...['-i', sound, '-map', '0:v', '-map', '1:a', '-shortest'],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', out],
  ]);
  return readFileSync(out);
}

/** Ingests a video into the scope's case and waits for the server's workers to analyse it. */
async function seedVideo(owner: ApiClient, material: Material, bytes: Buffer): Promise<VideoMaterial> {
  const ingestId = expectStatus(await owner.post('/ingests', { caseId: material.caseId }), 201).body
    .id as string;
  const uploaded = await uploadFiles(owner, ingestId, [{ name: 'video.mp4', bytes }]);
  expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
  expectStatus(await owner.post(`/ingests/${ingestId}/start`), 202);
  await waitForIngest(owner, ingestId);
  const items = expectStatus(await owner.get<{ items: ResultItem[] }>(`/ingests/${ingestId}/results`), 200)
    .body.items;
  const mediaId = items.find((i) => i.path === 'upload/video.mp4')?.mediaId;
  expect(mediaId).toBeTruthy();
  const deadline = Date.now() + 240_000;
  let state: unknown;
  while ((state = expectStatus(await owner.get(`/media/${mediaId}`), 200).body.analysisState) === 'pending') {
    expect(Date.now(), `video ${mediaId} still being analysed`).toBeLessThan(deadline);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  expect(state).toBe('done');
  const frames = expectStatus(
    await owner.get<{ frames: { position: number; picture: boolean }[] }>(`/media/${mediaId}/frames`),
    200,
  ).body.frames;
  const picture = frames.find((frame) => frame.picture);
  expect(picture).toBeDefined();
  return {
    mediaId: mediaId!,
    bytes,
    positions: frames.map((frame) => frame.position),
    picturePosition: picture!.position,
  };
}

/** POSTs a picture as one multipart file part, with the caller's cookies (and CSRF token) or token. */
async function postPicture(caller: Caller, route: string, bytes: Uint8Array): Promise<Reply> {
  const form = new FormData();
  form.append('file', new Blob([bytes]), 'photo.jpg');
  const headers: Record<string, string> = {};
  if (caller.token !== null) {
    headers.authorization = `Bearer ${caller.token}`;
  } else if (caller.client.cookies.size > 0) {
    headers.cookie = [...caller.client.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    if (caller.client.csrfToken) {
      headers['x-csrf-token'] = caller.client.csrfToken;
    }
  }
  const response = await fetch(`${world.url}/api/v1${route}`, { method: 'POST', headers, body: form });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? JSON.parse(text) : undefined,
    text,
    headers: response.headers,
  };
}

/**
 * A face on each scope's picture and a series per scope (the shared one shared with us), with a
 * suggestion in each series pointing at the next one. The face rows are written directly: this
 * matrix checks who may reach them, not how faces are found (test/api-faces-ocr.test.ts does).
 */
async function seedFaces(
  haven: ReturnType<typeof server>['haven'],
  owners: Readonly<Record<Scope, ApiClient>>,
  material: Readonly<Record<Scope, Material>>,
  ownAgency: string,
): Promise<Record<Scope, { faceId: string; suggestionId: string }>> {
  const series = {} as Record<Scope, string>;
  const faces = {} as Record<Scope, string>;
  for (const scope of SCOPES) {
    const created = expectStatus(
      await owners[scope].post('/series', { title: `Faces ${scope}`, mediaIds: [material[scope].mediaId] }),
      201,
    );
    series[scope] = created.body.id as string;
    if (scope === 'shared') {
      expectStatus(
        await owners[scope].put(`/series/${series[scope]}/sharing`, {
          sharing: 'selected',
          agencies: [ownAgency],
        }),
        200,
      );
    }
    const [row] = await haven.db.query<{ id: number }>(
      `INSERT INTO faces (media_id, ordinal, box_x, box_y, box_w, box_h, score, quality, embedding, model)
       VALUES ($1, 0, 40, 30, 120, 120, 0.99, 0.9, $2, 'matrix') RETURNING id::integer AS id`,
      [material[scope].mediaId, Buffer.alloc(16)],
    );
    faces[scope] = String(row!.id);
  }
  const result = {} as Record<Scope, { faceId: string; suggestionId: string }>;
  for (const [index, scope] of SCOPES.entries()) {
    const other = SCOPES[(index + 1) % SCOPES.length]!;
    const [row] = await haven.db.query<{ id: number }>(
      `INSERT INTO face_suggestions (face_id, other_face_id, series_id, other_series_id, score)
       VALUES ($1, $2, $3, $4, 0.8) RETURNING id::integer AS id`,
      [faces[scope], faces[other], series[scope], series[other]],
    );
    result[scope] = { faceId: faces[scope], suggestionId: String(row!.id) };
  }
  return result;
}

let videoDir: string;
afterAll(() => {
  rmSync(videoDir, { recursive: true, force: true });
});

describe(`access matrix: ${PROBES.length} probes x ${COLUMNS.length} callers (${ROLES.length} roles by session, ${TOKEN_ROLES.length} by API token, unauthenticated) x own/shared/foreign = ${TOTAL_CELLS} cells`, () => {
  beforeAll(async () => {
    const { haven, url } = server();
    const [a, b, c] = await Promise.all([
      seedAgency(haven, { country: 'NL' }),
      seedAgency(haven, { country: 'BE', contact: 'vic-b@example.org' }),
      seedAgency(haven, { country: 'DE', contact: 'vic-c@example.org' }),
    ]);
    const agencies: Record<Scope, Agency> = { own: a, shared: b, foreign: c };
    const member = async (agencyId: string, role: Role): Promise<ApiClient> =>
      signedInClient(url, await seedUser(haven, { agencyId, roles: [role] }));
    const [ownerA, ownerB, ownerC, ...sessions] = await Promise.all([
      member(a.id, 'investigator'),
      member(b.id, 'investigator'),
      member(c.id, 'investigator'),
      ...ROLES.map((role) => member(a.id, role)),
    ]);
    const owners: Record<Scope, ApiClient> = { own: ownerA, shared: ownerB, foreign: ownerC };
    const [targetA, targetB, targetC] = await Promise.all(
      SCOPES.map((scope) => seedUser(haven, { agencyId: agencies[scope].id, roles: ['investigator'] })),
    );

    // B shares its case with us, C keeps its own; our ingest holds near copies of both pictures.
    const [ownPicture, sharedPicture, foreignPicture] = await Promise.all([
      pictureJpeg(9101),
      pictureJpeg(9102),
      pictureJpeg(9103),
    ]);
    const nearCopy = (bytes: Buffer): Promise<Buffer> =>
      sharp(bytes).resize(320).jpeg({ quality: 80 }).toBuffer();
    const [shared, foreign] = await Promise.all([
      seedMaterial(owners.shared, [{ name: 'shared.jpg', bytes: sharedPicture }], a.id),
      seedMaterial(owners.foreign, [{ name: 'foreign.jpg', bytes: foreignPicture }]),
    ]);
    const own = await seedMaterial(owners.own, [
      { name: 'own.jpg', bytes: ownPicture },
      { name: 'near-shared.jpg', bytes: await nearCopy(sharedPicture) },
      { name: 'near-foreign.jpg', bytes: await nearCopy(foreignPicture) },
    ]);
    const material: Record<Scope, Material> = { own, shared, foreign };

    // A video in each agency's case, the three sharing one sound track (for the audio matches).
    videoDir = mkdtempSync(path.join(os.tmpdir(), 'haven-matrix-'));
    const sound = melody(path.join(videoDir, 'sound.wav'), { seed: 5, seconds: VIDEO_SECONDS });
    const [ownVideo, sharedVideo, foreignVideo] = await Promise.all(
      SCOPES.map((scope) => seedVideo(owners[scope], material[scope], testVideo(videoDir, scope, sound))),
    );

    // Faces are on for our agency (an administrator turned them on), so its members may search.
    await haven.db.transaction((tx) => haven.faces.setEnabled(tx, systemActor('matrix'), a.id, true, {}));
    const faces = await seedFaces(haven, owners, material, a.id);

    // Another investigator of our agency logs exposure and changes settings: no caller may see it.
    expectStatus(await owners.own.patch('/wellbeing/settings', { breakReminderMinutes: 120 }), 200);
    expectStatus(await owners.own.post('/wellbeing/exposure', { seconds: OWNER_SECONDS, items: 40 }), 204);

    const callers = new Map<string, Caller>();
    for (const [label, caller] of await matrixCallers(url, sessions)) {
      callers.set(label, {
        ...caller,
        allAgencies: caller.role !== null && ALL_AGENCY_ROLES.has(caller.role),
      });
    }

    world = {
      url,
      agencies,
      owners,
      material,
      videos: { own: ownVideo!, shared: sharedVideo!, foreign: foreignVideo! },
      targets: { own: targetA!, shared: targetB!, foreign: targetC! },
      otherTokens: { shared: await newTokenId(owners.own), foreign: await newTokenId(owners.foreign) },
      callers,
      routes: routesOf(haven),
      faces,
    };
  }, 300_000);

  it('has a probe for every route (and no probe for a route that is gone)', () => {
    // The investigators' workspace has its own matrix (test/api-workspace-matrix.test.ts).
    // Public appeals and tips have their own matrix (test/api-appeals-matrix.test.ts).
    expectProbesCoverRoutes(
      world.routes,
      PROBES,
      (spec) => !WORKSPACE_TAGS.has(spec.tag) && !APPEAL_TAGS.has(spec.tag),
    );
    // Every route declares a permission, except sign-in, the caller's own account and the caller's
    // own wellbeing settings and exposure log: these touch no one else's data, and every user who
    // can reveal material (whatever their role) must be able to keep the protective settings and
    // record breaks, so no permission could be withheld without harm.
    const undeclared = [...world.routes.entries()]
      .filter(([, spec]) => !('permission' in spec.access))
      .map(([route]) => route);
    expect(
      undeclared.filter(
        (route) => !/^(GET|POST) \/(auth|provider)\/|^(GET|POST|PATCH) \/wellbeing\//.test(route),
      ),
    ).toEqual([]);
  });

  // The twelve columns run at once against one server.
  matrixColumnTests({ labels: COLUMNS.map((column) => column.label), probes: PROBES, cell });
});

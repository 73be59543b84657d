import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '#haven/access/actor.js';
import { permissionsOf, type Role } from '#haven/access/permissions.js';
import { auditRoutes } from '#haven/audit/audit.routes.js';
import { auditService } from '#haven/audit/audit.service.js';
import type { Authenticator } from '#haven/http/authenticator.js';
import { toHavenError } from '#haven/http/error-reply.js';
import { openApiDocument } from '#haven/http/openapi.js';
import { API_PREFIX, registerRoutes } from '#haven/http/register-routes.js';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { fileDatabase } from '../../test/support/factories.js';

/**
 * The audit routes on the real route layer (access checks, validation) and a real database, with
 * callers named by a bearer header instead of real sign-ins, so that they are tested on their own;
 * test/api-audit.test.ts runs them in the whole server with signed-in users.
 */
const database = fileDatabase('haven-audit-routes-');

const AGENCY_A = '00000000-0000-4000-8000-00000000000a';
const AGENCY_B = '00000000-0000-4000-8000-00000000000b';
const CENTRAL = '00000000-0000-4000-8000-00000000000c';

function user(name: string, agencyId: string, roles: Role[]): Actor {
  return {
    kind: 'user',
    userId: `user-${name}`,
    agencyId,
    name,
    roles,
    permissions: permissionsOf(roles),
    allAgencies: roles.includes('central_admin'),
  };
}

const actors: Record<string, Actor> = {
  central: user('central', CENTRAL, ['central_admin']),
  adminA: user('admina', AGENCY_A, ['agency_admin']),
  adminB: user('adminb', AGENCY_B, ['agency_admin']),
  investigatorA: user('investa', AGENCY_A, ['investigator']),
};

const authenticator: Authenticator = {
  authenticate({ authorization }) {
    const actor = authorization?.startsWith('Bearer ') ? actors[authorization.slice(7)] : undefined;
    return Promise.resolve({
      actor: actor ?? null,
      via: actor ? 'token' : null,
      sessionStage: null,
      sessionIdHash: null,
      csrfToken: null,
    });
  },
};

let app: FastifyInstance;

beforeAll(async () => {
  const db = database();
  app = Fastify({ logger: false });
  app.setErrorHandler((error, _request, reply) => {
    const { error: failure } = toHavenError(error, 1024);
    void reply.code(failure.status).send({ error: { code: failure.code, message: failure.message } });
  });
  registerRoutes(app, auditRoutes({ db }), authenticator);
  await app.ready();
  // Four rows per agency (and their investigator's), then one of central administration.
  for (const [actor, action] of [
    [actors.investigatorA!, 'auth.login'],
    [actors.investigatorA!, 'media.preview.view'],
    [actors.adminA!, 'user.create'],
    [actors.adminA!, 'authx.other'],
    [actors.adminB!, 'auth.login'],
    [actors.adminB!, 'case.sharing.change'],
    [actors.adminB!, 'auth.mfa.verify'],
    [actors.adminB!, 'user.create'],
    [actors.central!, 'agency.create'],
  ] as const) {
    await db.transaction((tx) =>
      auditService.record(tx, { actor, action, outcome: 'ok', objectType: 'thing', objectId: action }),
    );
  }
});

afterAll(async () => {
  await app.close();
});

interface Page {
  entries: { seq: number; agencyId: string | null; action: string; actorName: string | null; hash: string }[];
  nextBefore: number | null;
}

async function get(who: string | null, url: string): Promise<{ status: number; body: unknown }> {
  const response = await app.inject({
    method: 'GET',
    url: `${API_PREFIX}${url}`,
    headers: who ? { authorization: `Bearer ${who}` } : {},
  });
  return { status: response.statusCode, body: response.json<unknown>() };
}

async function page(who: string, url: string): Promise<Page> {
  const { status, body } = await get(who, url);
  expect(status, JSON.stringify(body)).toBe(200);
  return body as Page;
}

describe('GET /audit', () => {
  it("shows an agency administrator only their own agency's rows, whatever they ask", async () => {
    const own = await page('adminA', '/audit?limit=500');
    const agencies = new Set(own.entries.map((entry) => entry.agencyId));
    expect([...agencies]).toEqual([AGENCY_A]);
    expect(own.entries.map((entry) => entry.action)).toContain('media.preview.view');

    const asked = await page('adminA', `/audit?agency=${AGENCY_B}&action=auth`);
    expect(asked.entries.map((entry) => [entry.agencyId, entry.action])).toEqual([[AGENCY_A, 'auth.login']]);
  });

  it('shows central administrators everything, or one agency when asked', async () => {
    const all = await page('central', '/audit?limit=500');
    expect(new Set(all.entries.map((entry) => entry.agencyId))).toEqual(
      new Set([AGENCY_A, AGENCY_B, CENTRAL]),
    );
    const seqs = all.entries.map((entry) => entry.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));

    const onlyB = await page('central', `/audit?agency=${AGENCY_B}&action=auth`);
    expect(onlyB.entries.map((entry) => entry.action)).toEqual(['auth.mfa.verify', 'auth.login']);
  });

  it('filters by dotted action prefix, actor, object and time, and pages by seq', async () => {
    const auth = await page('central', '/audit?action=auth');
    expect(auth.entries.map((entry) => entry.action)).toEqual([
      'auth.mfa.verify',
      'auth.login',
      'auth.login',
    ]);
    const byActor = await page('central', '/audit?actor=investa&action=media');
    expect(byActor.entries.map((entry) => entry.action)).toEqual(['media.preview.view']);
    const byObject = await page('central', '/audit?objectType=thing&object=user.create');
    expect(byObject.entries).toHaveLength(2);
    expect((await page('central', '/audit?since=2999-01-01')).entries).toEqual([]);
    expect((await page('central', '/audit?until=2000-01-01T00:00:00Z')).entries).toEqual([]);

    const first = await page('central', '/audit?action=auth&limit=2');
    expect(first.entries).toHaveLength(2);
    expect(first.nextBefore).toBe(first.entries[1]!.seq);
    const second = await page('central', `/audit?action=auth&limit=2&before=${String(first.nextBefore)}`);
    expect(second.entries.map((entry) => entry.action)).toEqual(['auth.login']);
    expect(second.nextBefore).toBeNull();
  });

  it('records every read of the log', async () => {
    await page('adminB', '/audit?action=case');
    const reads = await page('central', '/audit?action=audit.read&actor=adminb&limit=1');
    expect(reads.entries[0]).toMatchObject({ action: 'audit.read', actorName: 'adminb', agencyId: AGENCY_B });
  });

  it('refuses callers without audit.read, anonymous callers and unknown or invalid parameters', async () => {
    expect(await get('investigatorA', '/audit')).toMatchObject({
      status: 403,
      body: { error: { code: 'FORBIDDEN' } },
    });
    expect(await get(null, '/audit')).toMatchObject({ status: 401 });
    for (const query of [
      'colour=red',
      'limit=501',
      'limit=0',
      'before=x',
      'since=yesterday',
      'agency=nope',
    ]) {
      expect(await get('central', `/audit?${query}`), query).toMatchObject({
        status: 400,
        body: { error: { code: 'VALIDATION_FAILED' } },
      });
    }
  });
});

describe('GET /audit/verify', () => {
  it('verifies the chain for central administrators and records that it did', async () => {
    const { status, body } = await get('central', '/audit/verify');
    expect(status).toBe(200);
    const result = body as { ok: boolean; headSeq: number; headHash: string; rowsChecked: number };
    expect(result).toMatchObject({ ok: true });
    expect(result.rowsChecked).toBe(result.headSeq);
    const anchored = await get(
      'central',
      `/audit/verify?expectHead=${String(result.headSeq)}:${result.headHash}`,
    );
    expect(anchored.body).toMatchObject({ ok: true });
    const beyond = await get(
      'central',
      `/audit/verify?expectHead=${String(result.headSeq + 100)}:${'0'.repeat(64)}`,
    );
    expect(beyond.body).toMatchObject({ ok: false, firstProblem: { kind: 'truncated' } });
    const recorded = await page('central', '/audit?action=audit.verify&limit=1');
    expect(recorded.entries[0]).toMatchObject({ action: 'audit.verify', actorName: 'central' });
  });

  it('refuses agency administrators and everyone else', async () => {
    expect(await get('adminA', '/audit/verify')).toMatchObject({
      status: 403,
      body: { error: { code: 'FORBIDDEN' } },
    });
    expect(await get('investigatorA', '/audit/verify')).toMatchObject({ status: 403 });
    expect(await get('central', '/audit/verify?full=1')).toMatchObject({ status: 400 });
  });
});

describe('OpenAPI', () => {
  it('documents both routes with their query parameters', () => {
    const document = openApiDocument(auditRoutes({ db: database() }), 'test') as {
      paths: Record<string, Record<string, { parameters: { name: string }[] }>>;
    };
    const list = document.paths[`${API_PREFIX}/audit`]!.get!;
    expect(list.parameters.map((parameter) => parameter.name)).toEqual([
      'agency',
      'action',
      'actor',
      'objectType',
      'object',
      'since',
      'until',
      'before',
      'limit',
    ]);
    const verify = document.paths[`${API_PREFIX}/audit/verify`]!.get!;
    expect(verify.parameters.map((parameter) => parameter.name)).toEqual(['expectHead']);
  });
});

import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROLES, permissionsOf, type Permission } from '#haven/access/permissions.js';
import type { RouteSpec } from '#haven/http/route.js';
import { tipFingerprint } from '#haven/portal/exchange/tip-fingerprint.js';
import {
  APPEAL_TAGS,
  expectProbesCoverRoutes,
  routesOf,
  routesWithoutPermission,
  successStatus,
} from './support/access-matrix.js';
import { ApiClient, expectStatus, type ApiResponse } from './support/api-client.js';
import { apiServerForFile } from './support/api-server.js';
import { drawClue, objectAppeal, type AppealReply } from './support/appeals.js';
import { agencyWithMember, createSeries, member, uploadCase, type Member } from './support/workspace.js';
import { pictureJpeg } from './support/images.js';

/**
 * Access to every appeal and tip route: each role signed in (and nobody) x own agency's object x
 * another agency's object. The expected outcome comes from permissions.ts and the rules the
 * service adds (unpublish: proposers or reviewers; outcome: proposers or tip moderators), never
 * typed per cell; a route of these tags without a probe fails the test.
 */

const server = apiServerForFile();

type Scope = 'own' | 'foreign';
interface Side {
  proposer: Member;
  reviewer: Member;
  seriesId: string;
  clueId: string;
}
interface Caller {
  label: string;
  client: ApiClient;
  permissions: ReadonlySet<Permission>;
}
interface Probe {
  route: string;
  /** Permissions the service demands beyond the route's: any one of them. */
  anyOf?: readonly Permission[];
  target?: (scope: Scope) => Promise<string>;
  call(client: ApiClient, id: string): Promise<ApiResponse<unknown>>;
}

const sides = {} as Record<Scope, Side>;
const callers: Caller[] = [];
let routes: Map<string, RouteSpec>;

async function side(country: string): Promise<Side> {
  const { haven, url } = server();
  const proposer = await agencyWithMember(haven, url, country);
  const reviewer = await member(haven, url, proposer.agency, 'reviewer');
  const material = await uploadCase(proposer.client, [
    { name: 'a.jpg', bytes: await pictureJpeg(9400 + country.charCodeAt(0)) },
  ]);
  const mediaId = material.media.get('a.jpg')!;
  const seriesId = (await createSeries(proposer.client, [mediaId])).id;
  const clueId = await drawClue(proposer.client, seriesId, mediaId, { x: 10, y: 10, width: 100, height: 80 });
  return { proposer, reviewer, seriesId, clueId };
}

async function proposed(scope: Scope): Promise<AppealReply> {
  const { proposer, seriesId, clueId } = sides[scope];
  return expectStatus(
    await proposer.client.post<AppealReply>('/appeals', objectAppeal(seriesId, clueId)),
    201,
  ).body;
}

async function live(scope: Scope): Promise<AppealReply> {
  const appeal = await proposed(scope);
  expectStatus(
    await sides[scope].reviewer.client.post(`/appeals/${appeal.id}/review`, { decision: 'approve' }),
    200,
  );
  return appeal;
}

async function tip(scope: Scope, appeal?: AppealReply): Promise<string> {
  const about = appeal ?? (await live(scope));
  const id = randomUUID();
  const body = `matrix tip ${id}`;
  await server().haven.portal.dropTip({
    id,
    appealPublicId: about.publicId,
    language: 'en',
    body,
    country: '',
    city: '',
    seenWhere: '',
    seenWhen: '',
    contact: '',
    fingerprint: tipFingerprint(about.publicId, body),
    receivedAt: new Date().toISOString(),
  });
  await server().haven.tips.takeIn();
  return id;
}

const PROBES: readonly Probe[] = [
  { route: 'GET /appeals', call: (client) => client.get('/appeals') },
  {
    route: 'POST /appeals',
    call: (client) => client.post('/appeals', objectAppeal(sides.own.seriesId, sides.own.clueId)),
  },
  {
    route: 'GET /appeals/:id',
    target: async (s) => (await proposed(s)).id,
    call: (c, id) => c.get(`/appeals/${id}`),
  },
  {
    route: 'GET /appeals/:id/image',
    target: async (s) => (await proposed(s)).id,
    call: (c, id) => c.get(`/appeals/${id}/image`),
  },
  {
    route: 'POST /appeals/:id/review',
    target: async (s) => (await proposed(s)).id,
    call: (c, id) => c.post(`/appeals/${id}/review`, { decision: 'reject', note: 'matrix' }),
  },
  {
    route: 'POST /appeals/:id/unpublish',
    anyOf: ['appeal.propose', 'appeal.review'],
    target: async (s) => (await live(s)).id,
    call: (c, id) => c.post(`/appeals/${id}/unpublish`),
  },
  {
    route: 'PUT /appeals/:id/outcome',
    anyOf: ['appeal.propose', 'tip.moderate'],
    target: async (s) => (await proposed(s)).id,
    call: (c, id) =>
      c.put(`/appeals/${id}/outcome`, { countryFound: null, objectIdentified: false, childrenIdentified: 0 }),
  },
  { route: 'GET /tips', call: (client) => client.get('/tips') },
  {
    route: 'POST /tips/:id/status',
    target: (s) => tip(s),
    call: (c, id) => c.post(`/tips/${id}/status`, { status: 'spam' }),
  },
  {
    route: 'POST /tips/:id/merge',
    // Two tips about one appeal: the probe merges the second into the first (id|into).
    target: async (s) => {
      const appeal = await live(s);
      return `${await tip(s, appeal)}|${await tip(s, appeal)}`;
    },
    call: (c, ids) => {
      const [into, id] = ids.split('|');
      return c.post(`/tips/${id ?? into}/merge`, { into });
    },
  },
  { route: 'POST /tips/:id/lead', target: (s) => tip(s), call: (c, id) => c.post(`/tips/${id}/lead`, {}) },
  {
    route: 'PUT /tips/:id/outcome',
    target: (s) => tip(s),
    call: (c, id) => c.put(`/tips/${id}/outcome`, { outcome: 'object_identified' }),
  },
];

beforeAll(async () => {
  const { haven, url } = server();
  sides.own = await side('NL');
  sides.foreign = await side('BE');
  for (const role of ROLES) {
    const signed = await member(haven, url, sides.own.proposer.agency, role);
    callers.push({ label: role, client: signed.client, permissions: permissionsOf([role]) });
  }
  callers.push({ label: 'unauthenticated', client: new ApiClient(url), permissions: new Set() });
  routes = routesOf(haven);
}, 300_000);

function expected(probe: Probe, caller: Caller, scope: Scope | null): number {
  const route = routes.get(probe.route)!;
  if (caller.label === 'unauthenticated') {
    return 401;
  }
  const needed = 'permission' in route.access ? route.access.permission : null;
  if (needed !== null && !caller.permissions.has(needed)) {
    return 403;
  }
  if (probe.anyOf && !probe.anyOf.some((permission) => caller.permissions.has(permission))) {
    return 403;
  }
  if (scope === 'foreign') {
    return 404;
  }
  return successStatus(route);
}

describe('appeals and tips access matrix', () => {
  it('has a probe for every appeal and tip route, each declaring a permission', () => {
    const ours = (spec: RouteSpec): boolean => APPEAL_TAGS.has(spec.tag);
    expectProbesCoverRoutes(routes, PROBES, ours);
    expect(routesWithoutPermission(routes, ours)).toEqual([]);
  });

  it('answers every cell as the policy says', async () => {
    const problems: string[] = [];
    let cells = 0;
    for (const caller of callers) {
      for (const probe of PROBES) {
        for (const scope of probe.target ? (['own', 'foreign'] as const) : [null]) {
          const id = probe.target && scope ? await probe.target(scope) : '';
          const sent = await probe.call(caller.client, id);
          const want = expected(probe, caller, scope);
          cells += 1;
          if (sent.status !== want) {
            problems.push(
              `${caller.label} x ${probe.route} x ${scope ?? '-'}: ${sent.status}, expected ${want} ${sent.text.slice(0, 120)}`,
            );
          }
        }
      }
    }
    expect(problems).toEqual([]);
    expect(cells).toBe(callers.length * PROBES.reduce((sum, probe) => sum + (probe.target ? 2 : 1), 0));
  }, 600_000);
});

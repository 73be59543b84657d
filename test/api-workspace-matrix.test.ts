import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '#haven/access/permissions.js';
import type { Agency } from '#haven/accounts/agency.types.js';
import type { RouteSpec } from '#haven/http/route.js';
import {
  checkCell,
  COLUMNS,
  expectProbesCoverRoutes,
  FORBIDDEN,
  matrixCallers,
  matrixColumnTests,
  routesOf,
  routesWithoutPermission,
  scopedOutcome,
  SCOPES,
  successStatus,
  UNAUTHENTICATED,
  WORKSPACE_TAGS,
  type CellProbe,
  type MatrixCaller,
  type Outcome,
  type Scope,
} from './support/access-matrix.js';
import { apiServerForFile } from './support/api-server.js';
import {
  expectStatus,
  seedUser,
  signedInClient,
  type ApiClient,
  type ApiResponse,
} from './support/api-client.js';
import { pictureJpeg } from './support/images.js';
import {
  agencyWithMember,
  createSeries,
  shareSeries,
  unique,
  uploadCase,
  type Member,
  type Uploaded,
} from './support/workspace.js';

/**
 * The workspace's access policy as a matrix, like test/api-access-matrix.test.ts: every caller
 * (each role by session and by API token, and nobody) x every workspace route x the object's owner
 * (our agency, an agency sharing its series with us, a foreign one). Expected outcomes come from
 * permissions.ts and the route's declared permission plus one rule per probe, never typed per cell;
 * a workspace route without a probe fails the test.
 */

const server = apiServerForFile();

/** How a probe's route scopes its objects (see scopedOutcome). */
type Rule = 'open' | 'read' | 'owner' | 'mine';

type Caller = MatrixCaller;

interface Probe extends CellProbe<Caller, ApiResponse<unknown>> {
  readonly route: string;
  readonly rule: Rule;
}

interface ScopeWorld {
  readonly owner: Member;
  /** A sprint coordinated by the scope's agency (ours takes part in the shared one). */
  readonly sprint: string;
  readonly material: Uploaded;
  readonly series: string;
  readonly victim: string;
  readonly offender: string;
}

interface World {
  readonly url: string;
  readonly agencies: Readonly<Record<Scope, Agency>>;
  readonly scopes: Readonly<Record<Scope, ScopeWorld>>;
  readonly callers: ReadonlyMap<string, Caller>;
  readonly routes: ReadonlyMap<string, RouteSpec>;
}

let world: World;

const firstMedia = (scope: Scope): string => [...world.scopes[scope].material.media.values()][0]!;
const ids = (list: unknown): string[] => (list as { id: string }[]).map((item) => item.id);
/** Targets made of two ids; a random id (the not-found check) stands for both. */
const parts = (target: string): [string, string] => {
  const [first, second] = target.split('|');
  return [first!, second ?? randomUUID()];
};

/** A fresh series of the scope's agency (shared with us for 'shared'), holding its first medium. */
async function freshSeries(scope: Scope, media: readonly string[] = [firstMedia(scope)]): Promise<string> {
  const { owner } = world.scopes[scope];
  const series = await createSeries(owner.client, media);
  if (scope === 'shared') {
    await shareSeries(owner.client, series.id, [world.agencies.own.id]);
  }
  return series.id;
}

async function freshPerson(scope: Scope, kind: 'victims' | 'offenders', seriesId?: string): Promise<string> {
  const { owner, series } = world.scopes[scope];
  return expectStatus(await owner.client.post(`/${kind}`, { seriesIds: [seriesId ?? series] }), 201).body
    .id as string;
}

/** A notification for the scope's agency: another agency comments on its network-shared series. */
async function freshNotification(scope: Scope): Promise<string> {
  const { owner } = world.scopes[scope];
  const series = await createSeries(owner.client, [firstMedia(scope)], { sharing: 'network' });
  const commenter = world.scopes[scope === 'own' ? 'shared' : 'own'].owner;
  expectStatus(await commenter.client.post(`/series/${series.id}/comments`, { body: 'news' }), 201);
  const listed = expectStatus(
    await owner.client.get<{ notifications: { id: string; seriesId: string }[] }>(
      '/notifications?unread=true',
    ),
    200,
  ).body.notifications;
  return listed.find((n) => n.seriesId === series.id)!.id;
}

const peopleProbes = (kind: 'victims' | 'offenders'): Probe[] => [
  {
    route: `GET /${kind}`,
    rule: 'open',
    call: (caller) => caller.client.get(`/${kind}`),
    verify: (body) => {
      const listed = ids(body[kind]);
      expect(listed).toContain(kind === 'victims' ? world.scopes.own.victim : world.scopes.own.offender);
      expect(listed).toContain(
        kind === 'victims' ? world.scopes.shared.victim : world.scopes.shared.offender,
      );
      expect(listed).not.toContain(
        kind === 'victims' ? world.scopes.foreign.victim : world.scopes.foreign.offender,
      );
    },
  },
  {
    route: `POST /${kind}`,
    rule: 'open',
    call: (caller) => caller.client.post(`/${kind}`, { notes: 'matrix' }),
  },
  {
    route: `GET /${kind}/:id`,
    rule: 'read',
    target: (scope) =>
      Promise.resolve(kind === 'victims' ? world.scopes[scope].victim : world.scopes[scope].offender),
    call: (caller, id) => caller.client.get(`/${kind}/${id}`),
  },
  {
    route: `PATCH /${kind}/:id`,
    rule: 'owner',
    target: (scope) =>
      Promise.resolve(kind === 'victims' ? world.scopes[scope].victim : world.scopes[scope].offender),
    call: (caller, id) => caller.client.patch(`/${kind}/${id}`, { notes: `matrix ${unique()}` }),
  },
  {
    route: `PUT /series/:id/${kind}/:personId`,
    rule: 'owner',
    target: (scope) => Promise.resolve(world.scopes[scope].series),
    call: (caller, id) =>
      caller.client.put(
        `/series/${id}/${kind}/${kind === 'victims' ? world.scopes.own.victim : world.scopes.own.offender}`,
      ),
  },
  {
    route: `DELETE /series/:id/${kind}/:personId`,
    rule: 'owner',
    target: async (scope) => {
      const series = await freshSeries(scope);
      return `${series}|${await freshPerson(scope, kind, series)}`;
    },
    call: (caller, target) => {
      const [series, person] = parts(target);
      return caller.client.delete(`/series/${series}/${kind}/${person}`);
    },
  },
];

const PROBES: readonly Probe[] = [
  {
    route: 'GET /series',
    rule: 'open',
    call: (caller) => caller.client.get('/series'),
    verify: (body) => {
      const listed = ids(body.series);
      expect(listed).toContain(world.scopes.own.series);
      expect(listed).toContain(world.scopes.shared.series);
      expect(listed).not.toContain(world.scopes.foreign.series);
    },
  },
  {
    route: 'POST /series',
    rule: 'open',
    call: (caller) => caller.client.post('/series', { title: 'Matrix', mediaIds: [firstMedia('own')] }),
    verify: (body) => {
      expect(body).toMatchObject({ agencyId: world.agencies.own.id, own: true });
    },
  },
  {
    route: 'POST /series/from-ingest',
    rule: 'open',
    call: (caller) =>
      caller.client.post('/series/from-ingest', {
        title: 'Matrix',
        ingestId: world.scopes.own.material.ingestId,
      }),
  },
  {
    route: 'GET /series/:id',
    rule: 'read',
    target: (scope) => Promise.resolve(world.scopes[scope].series),
    call: (caller, id) => caller.client.get(`/series/${id}`),
    verify: (body, _caller, scope) => {
      expect(body).toMatchObject({ id: world.scopes[scope!].series, own: scope === 'own' });
    },
  },
  {
    route: 'GET /series/:id/vics',
    rule: 'read',
    target: (scope) => Promise.resolve(world.scopes[scope].series),
    call: (caller, id) => caller.client.get(`/series/${id}/vics`),
  },
  {
    route: 'PATCH /series/:id',
    rule: 'owner',
    target: (scope) => freshSeries(scope),
    call: (caller, id) => caller.client.patch(`/series/${id}`, { title: 'Renamed' }),
  },
  {
    route: 'POST /series/:id/status',
    rule: 'owner',
    target: (scope) => freshSeries(scope),
    call: (caller, id) => caller.client.post(`/series/${id}/status`, { status: 'compared' }),
  },
  {
    route: 'POST /series/:id/media',
    rule: 'owner',
    target: (scope) => freshSeries(scope),
    call: (caller, id) => caller.client.post(`/series/${id}/media`, { mediaIds: [firstMedia('own')] }),
  },
  {
    route: 'POST /series/:id/media/remove',
    rule: 'owner',
    target: async (scope) => `${await freshSeries(scope)}|${firstMedia(scope)}`,
    call: (caller, target) => {
      const [series, media] = parts(target);
      return caller.client.post(`/series/${series}/media/remove`, { mediaIds: [media] });
    },
  },
  {
    route: 'POST /series/:id/merge',
    rule: 'owner',
    target: async (scope) => `${await freshSeries(scope)}|${await freshSeries('own')}`,
    call: (caller, target) => {
      const [series, source] = parts(target);
      return caller.client.post(`/series/${series}/merge`, { seriesIds: [source] });
    },
  },
  {
    route: 'POST /series/:id/split',
    rule: 'owner',
    target: async (scope) => {
      const media = [...world.scopes[scope].material.media.values()];
      return `${await freshSeries(scope, media)}|${media[1]!}`;
    },
    call: (caller, target) => {
      const [series, media] = parts(target);
      return caller.client.post(`/series/${series}/split`, { mediaIds: [media], title: 'Split' });
    },
  },
  {
    route: 'PUT /series/:id/sharing',
    rule: 'owner',
    target: (scope) => freshSeries(scope),
    call: (caller, id) => caller.client.put(`/series/${id}/sharing`, { sharing: 'network' }),
  },
  {
    route: 'PUT /series/:id/country',
    rule: 'owner',
    target: (scope) => freshSeries(scope),
    call: (caller, id) => caller.client.put(`/series/${id}/country`, { country: 'FR', confidence: 'low' }),
  },
  ...peopleProbes('victims'),
  ...peopleProbes('offenders'),
  {
    route: 'POST /victims/:id/identification',
    rule: 'read',
    // On a series of its own: identifying a victim marks its series, which sprints then refuse.
    target: async (scope) => freshPerson(scope, 'victims', await freshSeries(scope)),
    call: (caller, id) => caller.client.post(`/victims/${id}/identification`, {}),
  },
  {
    route: 'GET /series/:id/faces',
    rule: 'read',
    target: (scope) => Promise.resolve(world.scopes[scope].series),
    call: (caller, id) => caller.client.get(`/series/${id}/faces`),
  },
  {
    route: 'GET /series/:id/face-suggestions',
    rule: 'read',
    target: (scope) => Promise.resolve(world.scopes[scope].series),
    call: (caller, id) => caller.client.get(`/series/${id}/face-suggestions`),
  },
  {
    route: 'GET /series/:id/text-clues',
    rule: 'read',
    target: (scope) => Promise.resolve(world.scopes[scope].series),
    call: (caller, id) => caller.client.get(`/series/${id}/text-clues`),
  },
  {
    route: 'GET /series/:id/clues',
    rule: 'read',
    target: (scope) => Promise.resolve(world.scopes[scope].series),
    call: (caller, id) => caller.client.get(`/series/${id}/clues`),
  },
  {
    route: 'POST /series/:id/clues',
    rule: 'read',
    target: (scope) => Promise.resolve(`${world.scopes[scope].series}|${firstMedia(scope)}`),
    call: (caller, target) => {
      const [series, media] = parts(target);
      return caller.client.post(`/series/${series}/clues`, {
        mediaId: media,
        kind: 'object',
        rect: { x: 0, y: 0, width: 10, height: 10 },
      });
    },
  },
  {
    route: 'DELETE /series/:id/clues/:clueId',
    rule: 'owner',
    target: async (scope) => {
      const { owner, series } = world.scopes[scope];
      const clue = expectStatus(
        await owner.client.post(`/series/${series}/clues`, {
          mediaId: firstMedia(scope),
          kind: 'text',
          rect: { x: 1, y: 1, width: 5, height: 5 },
        }),
        201,
      ).body.id as string;
      return `${series}|${clue}`;
    },
    call: (caller, target) => {
      const [series, clue] = parts(target);
      return caller.client.delete(`/series/${series}/clues/${clue}`);
    },
  },
  {
    route: 'POST /clues/:id/similar',
    rule: 'read',
    target: async (scope) => {
      const { owner, series } = world.scopes[scope];
      return expectStatus(
        await owner.client.post(`/series/${series}/clues`, {
          mediaId: firstMedia(scope),
          kind: 'object',
          rect: { x: 0, y: 0, width: 32, height: 32 },
        }),
        201,
      ).body.id as string;
    },
    call: (caller, id) => caller.client.post(`/clues/${id}/similar`, { limit: 5 }),
  },
  {
    route: 'GET /series/:id/locations',
    rule: 'read',
    target: (scope) => Promise.resolve(world.scopes[scope].series),
    call: (caller, id) => caller.client.get(`/series/${id}/locations`),
  },
  {
    route: 'POST /series/:id/places',
    rule: 'read',
    target: (scope) => Promise.resolve(world.scopes[scope].series),
    call: (caller, id) =>
      caller.client.post(`/series/${id}/places`, { description: 'Matrix', latitude: 52.37, longitude: 4.89 }),
  },
  {
    route: 'DELETE /series/:id/places/:placeId',
    rule: 'owner',
    target: async (scope) => {
      const { owner, series } = world.scopes[scope];
      const place = expectStatus(
        await owner.client.post(`/series/${series}/places`, { description: 'x' }),
        201,
      ).body.id as string;
      return `${series}|${place}`;
    },
    call: (caller, target) => {
      const [series, place] = parts(target);
      return caller.client.delete(`/series/${series}/places/${place}`);
    },
  },
  {
    route: 'GET /series/:id/comments',
    rule: 'read',
    target: (scope) => Promise.resolve(world.scopes[scope].series),
    call: (caller, id) => caller.client.get(`/series/${id}/comments`),
  },
  {
    route: 'POST /series/:id/comments',
    rule: 'read',
    target: (scope) => Promise.resolve(world.scopes[scope].series),
    call: (caller, id) => caller.client.post(`/series/${id}/comments`, { body: 'Matrix comment' }),
  },
  {
    route: 'GET /notifications',
    rule: 'open',
    call: (caller) => caller.client.get('/notifications'),
    verify: (body) => {
      const listed = body.notifications as { seriesId: string | null }[];
      const foreign = new Set([world.scopes.shared.series, world.scopes.foreign.series]);
      expect(listed.filter((n) => n.seriesId !== null && foreign.has(n.seriesId))).toEqual([]);
    },
  },
  {
    route: 'POST /notifications/:id/read',
    rule: 'mine',
    target: (scope) => freshNotification(scope),
    call: (caller, id) => caller.client.post(`/notifications/${id}/read`),
  },
  {
    route: 'POST /notifications/read-all',
    rule: 'open',
    call: (caller) => caller.client.post('/notifications/read-all'),
  },
  {
    route: 'GET /sprints',
    rule: 'open',
    call: (caller) => caller.client.get('/sprints'),
    verify: (body) => {
      const listed = ids(body.sprints);
      expect(listed).toContain(world.scopes.own.sprint);
      expect(listed).toContain(world.scopes.shared.sprint);
      expect(listed).not.toContain(world.scopes.foreign.sprint);
    },
  },
  {
    route: 'POST /sprints',
    rule: 'open',
    call: (caller) =>
      caller.client.post('/sprints', {
        name: 'Matrix sprint',
        startsOn: '2026-01-05',
        endsOn: '2026-01-16',
        agencies: [world.agencies.shared.id],
      }),
  },
  {
    route: 'GET /sprints/:id',
    rule: 'read',
    target: (scope) => Promise.resolve(world.scopes[scope].sprint),
    call: (caller, id) => caller.client.get(`/sprints/${id}`),
  },
  {
    route: 'POST /sprints/:id/series',
    rule: 'owner',
    target: (scope) => Promise.resolve(world.scopes[scope].sprint),
    call: (caller, id) =>
      caller.client.post(`/sprints/${id}/series`, {
        seriesId: world.scopes.own.series,
        agencyId: world.agencies.own.id,
      }),
  },
  {
    // The assigned agency records: in our sprint the series is ours; in the shared one, theirs.
    route: 'PUT /sprints/:id/series/:seriesId',
    rule: 'owner',
    target: (scope) => Promise.resolve(`${world.scopes[scope].sprint}|${world.scopes[scope].series}`),
    call: (caller, target) => {
      const [sprint, series] = parts(target);
      return caller.client.put(`/sprints/${sprint}/series/${series}`, { outcome: 'needs_more_work' });
    },
  },
  {
    route: 'GET /sprints/:id/report',
    rule: 'read',
    target: (scope) => Promise.resolve(world.scopes[scope].sprint),
    call: (caller, id) => caller.client.get(`/sprints/${id}/report`),
  },
  {
    route: 'GET /sprints/:id/packages/:country',
    rule: 'owner',
    target: (scope) => Promise.resolve(world.scopes[scope].sprint),
    call: (caller, id) => caller.client.get(`/sprints/${id}/packages/PT`),
  },
  {
    route: 'GET /sprints/:id/packages/:country/zip',
    rule: 'owner',
    target: (scope) => Promise.resolve(world.scopes[scope].sprint),
    call: (caller, id) => caller.client.get(`/sprints/${id}/packages/PT/zip`),
  },
  {
    route: 'POST /sprints/:id/packages/:country/disseminate',
    rule: 'owner',
    target: (scope) => Promise.resolve(world.scopes[scope].sprint),
    call: (caller, id) => caller.client.post(`/sprints/${id}/packages/PT/disseminate`),
  },
  {
    route: 'GET /stats',
    rule: 'open',
    call: (caller) => caller.client.get('/stats'),
    verify: (body) => {
      expect(body.totals).toMatchObject({ agencies: expect.any(Number) as number });
    },
  },
];

// --- expected outcomes

function expected(probe: Probe, route: RouteSpec, caller: Caller, scope: Scope | null): Outcome {
  if (caller.via === 'anonymous') {
    return UNAUTHENTICATED;
  }
  if (!('permission' in route.access) || !caller.permissions.has(route.access.permission)) {
    return FORBIDDEN;
  }
  return scopedOutcome(probe.rule, scope, { status: successStatus(route), code: null });
}

function cell(label: string, probe: Probe, scope: Scope | null): Promise<string | null> {
  const caller = world.callers.get(label)!;
  const route = world.routes.get(probe.route);
  const where = `${caller.label} x ${probe.route}${scope ? ` x ${scope}` : ''}`;
  if (!route) {
    return Promise.resolve(`${where}: no such route`);
  }
  return checkCell({ where, caller, probe, scope, want: expected(probe, route, caller, scope) });
}

describe(`workspace access matrix: ${PROBES.length} probes x ${COLUMNS.length} callers x own/shared/foreign`, () => {
  beforeAll(async () => {
    const { haven, url } = server();
    const [own, shared, foreign] = await Promise.all([
      agencyWithMember(haven, url, 'NL'),
      agencyWithMember(haven, url, 'BE'),
      agencyWithMember(haven, url, 'DE'),
    ]);
    const members: Record<Scope, Member> = { own: own, shared: shared, foreign: foreign };
    const scopes = {} as Record<Scope, ScopeWorld>;
    for (const [index, scope] of SCOPES.entries()) {
      const owner = members[scope];
      const material = await uploadCase(owner.client, [
        { name: 'one.jpg', bytes: await pictureJpeg(9300 + index * 2) },
        { name: 'two.jpg', bytes: await pictureJpeg(9301 + index * 2) },
      ]);
      const series = await createSeries(owner.client, [...material.media.values()]);
      if (scope === 'shared') {
        await shareSeries(owner.client, series.id, [own.agency.id]);
      }
      const person = async (kind: string): Promise<string> =>
        expectStatus(await owner.client.post(`/${kind}`, { seriesIds: [series.id] }), 201).body.id as string;
      // Sprints: ours with the shared agency taking part, theirs with ours, the foreign one alone.
      const coordinator = await signedInClient(
        url,
        await seedUser(haven, { agencyId: owner.agency.id, roles: ['taskforce_coordinator'] }),
      );
      const participants =
        scope === 'own' ? [shared.agency.id] : scope === 'shared' ? [own.agency.id] : [owner.agency.id];
      if (scope !== 'foreign') {
        await shareSeries(owner.client, series.id, scope === 'own' ? [shared.agency.id] : [own.agency.id]);
      }
      const sprint = expectStatus(
        await coordinator.post('/sprints', {
          name: `Sprint ${scope}`,
          startsOn: '2026-01-05',
          endsOn: '2026-01-16',
          agencies: participants,
        }),
        201,
      ).body.id as string;
      expectStatus(
        await coordinator.post(`/sprints/${sprint}/series`, {
          seriesId: series.id,
          agencyId: owner.agency.id,
        }),
        200,
      );
      scopes[scope] = {
        owner,
        sprint,
        material,
        series: series.id,
        victim: await person('victims'),
        offender: await person('offenders'),
      };
    }
    const sessions: ApiClient[] = [];
    for (const role of ROLES) {
      sessions.push(
        await signedInClient(url, await seedUser(haven, { agencyId: own.agency.id, roles: [role] })),
      );
    }
    world = {
      url,
      agencies: { own: own.agency, shared: shared.agency, foreign: foreign.agency },
      scopes,
      callers: await matrixCallers(url, sessions),
      routes: routesOf(haven),
    };
  });

  it('has a probe for every workspace route, each declaring a permission', () => {
    const ours = (spec: RouteSpec): boolean => WORKSPACE_TAGS.has(spec.tag);
    expectProbesCoverRoutes(world.routes, PROBES, ours);
    expect(routesWithoutPermission(world.routes, ours)).toEqual([]);
  });

  matrixColumnTests({ labels: COLUMNS.map((column) => column.label), probes: PROBES, cell });
});

import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import {
  ROLE_PERMISSIONS,
  ROLES,
  permissionsOf,
  type Permission,
  type Role,
} from '#haven/access/permissions.js';
import type { Haven } from '#haven/app/haven.js';
import type { RouteSpec } from '#haven/http/route.js';
import type { ErrorCode } from '#haven/platform/errors/error-catalogue.js';
import { apiParts } from '#haven/server/api-parts.js';
import { ApiClient, bearer, createToken, type JsonObject } from './api-client.js';

/**
 * What the access matrices (test/api-access-matrix.test.ts, test/api-workspace-matrix.test.ts,
 * test/api-appeals-matrix.test.ts) share: the callers, the expected outcome's building blocks, the
 * check of one cell, and the columns run as concurrent tests.
 */

/** Whose object a cell acts on: our agency's, one sharing with us, a foreign one. */
export type Scope = 'own' | 'shared' | 'foreign';
export const SCOPES: readonly Scope[] = ['own', 'shared', 'foreign'];

/** Route tags of the investigators' workspace (test/api-workspace-matrix.test.ts). */
export const WORKSPACE_TAGS: ReadonlySet<string> = new Set([
  'series',
  'people',
  'clues',
  'locations',
  'leads',
  'notifications',
  'taskforce',
  'stats',
]);
/** Route tags of public appeals and tips (test/api-appeals-matrix.test.ts). */
export const APPEAL_TAGS: ReadonlySet<string> = new Set(['appeals', 'tips']);

/** Every route of the server by `METHOD /path`, as the specs declare them. */
export function routesOf(haven: Haven): Map<string, RouteSpec> {
  return new Map(apiParts(haven).routes.map((route) => [`${route.method} ${route.path}`, route]));
}

/** Probed routes that the server no longer has, and routes matching `ours` without a probe. */
export function expectProbesCoverRoutes(
  routes: ReadonlyMap<string, RouteSpec>,
  probes: readonly { readonly route: string }[],
  ours: (spec: RouteSpec) => boolean,
): void {
  const probed = new Set(probes.map((probe) => probe.route));
  const owned = [...routes.entries()].filter(([, spec]) => ours(spec)).map(([route]) => route);
  expect(owned.filter((route) => !probed.has(route))).toEqual([]);
  expect([...probed].filter((route) => !routes.has(route))).toEqual([]);
}

/** Routes matching `ours` that declare no permission. */
export function routesWithoutPermission(
  routes: ReadonlyMap<string, RouteSpec>,
  ours: (spec: RouteSpec) => boolean,
): string[] {
  return [...routes.entries()]
    .filter(([, spec]) => ours(spec) && !('permission' in spec.access))
    .map(([route]) => route);
}

/** The status a route answers on success: its lowest declared 2xx. */
export function successStatus(route: RouteSpec): number {
  const statuses = Object.keys(route.responses)
    .map(Number)
    .filter((status) => status >= 200 && status < 300);
  return Math.min(...statuses);
}

export interface Outcome {
  readonly status: number;
  readonly code: ErrorCode | null;
}
export const FORBIDDEN: Outcome = { status: 403, code: 'FORBIDDEN' };
export const NOT_FOUND: Outcome = { status: 404, code: 'NOT_FOUND' };
export const UNAUTHENTICATED: Outcome = { status: 401, code: 'UNAUTHENTICATED' };

/**
 * The outcome for a caller holding the route's permissions, by how the route scopes its objects:
 * - open: no object, or one every member may see;
 * - read: within sharing (own, shared with us); a foreign one is NOT_FOUND;
 * - owner: only the owning agency: shared FORBIDDEN, foreign NOT_FOUND;
 * - mine: the caller's (or their agency's) own: any other NOT_FOUND.
 */
export function scopedOutcome(
  rule: 'open' | 'read' | 'owner' | 'mine',
  scope: Scope | null,
  allowed: Outcome,
): Outcome {
  switch (rule) {
    case 'open':
      return allowed;
    case 'read':
      return scope === 'foreign' ? NOT_FOUND : allowed;
    case 'owner':
      return scope === 'own' ? allowed : scope === 'shared' ? FORBIDDEN : NOT_FOUND;
    case 'mine':
      return scope === 'own' ? allowed : NOT_FOUND;
  }
}

/** Roles that may hold API tokens (a role without token.manage cannot make one). */
export const TOKEN_ROLES: readonly Role[] = ROLES.filter((role) =>
  ROLE_PERMISSIONS[role].includes('token.manage'),
);

export type Via = 'session' | 'token' | 'anonymous';
export interface Column {
  readonly role: Role | null;
  readonly via: Via;
  readonly label: string;
}
/** Each role signed in, each role through an API token holding all its permissions, and nobody. */
export const COLUMNS: readonly Column[] = [
  ...ROLES.map((role): Column => ({ role, via: 'session', label: `${role} (session)` })),
  ...TOKEN_ROLES.map((role): Column => ({ role, via: 'token', label: `${role} (API token)` })),
  { role: null, via: 'anonymous', label: 'unauthenticated' },
];

/** One column of a matrix: who calls, and what the policy grants them. */
export interface MatrixCaller extends Column {
  readonly client: ApiClient;
  readonly token: string | null;
  /** The same user's browser session (tokens are made there); null for the unauthenticated caller. */
  readonly session: ApiClient | null;
  readonly permissions: ReadonlySet<Permission>;
}

/** The callers of COLUMNS, by label: `sessions` holds one signed-in client per role, in ROLES order. */
export async function matrixCallers(
  url: string,
  sessions: readonly ApiClient[],
): Promise<Map<string, MatrixCaller>> {
  const callers = new Map<string, MatrixCaller>();
  const column = (role: Role, via: Via): Column =>
    COLUMNS.find((col) => col.role === role && col.via === via)!;
  for (const [index, role] of ROLES.entries()) {
    const session = sessions[index]!;
    const permissions = permissionsOf([role]);
    callers.set(`${role} (session)`, {
      ...column(role, 'session'),
      session,
      permissions,
      client: session,
      token: null,
    });
    if (TOKEN_ROLES.includes(role)) {
      const token = await createToken(session, { scopes: ROLE_PERMISSIONS[role] });
      callers.set(`${role} (API token)`, {
        ...column(role, 'token'),
        session,
        permissions,
        client: bearer(url, token),
        token,
      });
    }
  }
  callers.set('unauthenticated', {
    ...COLUMNS.at(-1)!,
    client: new ApiClient(url),
    token: null,
    session: null,
    permissions: new Set(),
  });
  return callers;
}

export interface MatrixReply {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
}

/** A route as one row of a matrix: the object of a scope, the call, checks on an allowed answer. */
export interface CellProbe<C, R extends MatrixReply> {
  /** The object for a scope (a fresh one when the call changes it); probes without it run once. */
  readonly target?: (scope: Scope, caller: C) => Promise<string>;
  readonly call: (caller: C, id: string) => Promise<R>;
  /** Checks on an allowed answer's content (what a list or a match shows). */
  readonly verify?: (body: JsonObject, caller: C, scope: Scope | null, reply: R) => void | Promise<void>;
}

function errorOf(sent: MatrixReply): { code: unknown; message: unknown } {
  const error = (sent.body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  return { code: error?.code, message: error?.message };
}

/** Runs one cell against its expected outcome; returns what went wrong, or null. */
export async function checkCell<C, R extends MatrixReply>(cell: {
  readonly where: string;
  readonly caller: C;
  readonly probe: CellProbe<C, R>;
  readonly scope: Scope | null;
  readonly want: Outcome;
}): Promise<string | null> {
  const { where, caller, probe, scope, want } = cell;
  const id = probe.target && scope ? await probe.target(scope, caller) : '';
  const sent = await probe.call(caller, id);
  const got = errorOf(sent);
  if (sent.status !== want.status || (want.code !== null && got.code !== want.code)) {
    return `${where}: expected ${want.status} ${want.code ?? 'success'}, got ${sent.status} ${sent.text.slice(0, 300)}`;
  }
  if (want.code === 'NOT_FOUND') {
    // A foreign object must look exactly like one that does not exist.
    const missing = errorOf(await probe.call(caller, randomUUID()));
    if (got.code !== missing.code || got.message !== missing.message) {
      return `${where}: answers ${JSON.stringify(got)}, a missing id ${JSON.stringify(missing)}`;
    }
  }
  if (want.code === null && probe.verify) {
    try {
      await probe.verify((sent.body ?? {}) as JsonObject, caller, scope, sent);
    } catch (error) {
      return `${where}: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  return null;
}

/** Cells per caller: a probe with a target runs once per scope, one without once. */
export const cellsPerCaller = (probes: readonly { readonly target?: unknown }[]): number =>
  probes.reduce((sum, probe) => sum + (probe.target ? SCOPES.length : 1), 0);

/**
 * One concurrent test per column, each walking every probe x scope, then a test that every cell
 * ran. The columns run at once against one server: on a loaded 2-core machine each takes the
 * whole batch's time, hence the long timeout.
 */
export function matrixColumnTests<P extends { readonly target?: unknown }>(matrix: {
  readonly labels: readonly string[];
  readonly probes: readonly P[];
  readonly cell: (label: string, probe: P, scope: Scope | null) => Promise<string | null>;
}): void {
  const perCaller = cellsPerCaller(matrix.probes);
  const checked = new Map<string, number>();
  for (const label of matrix.labels) {
    it.concurrent(
      `${label}: ${perCaller} cells`,
      async () => {
        const problems: string[] = [];
        let cells = 0;
        for (const probe of matrix.probes) {
          for (const scope of probe.target ? SCOPES : [null]) {
            const problem = await matrix.cell(label, probe, scope);
            cells += 1;
            if (problem) {
              problems.push(problem);
            }
          }
        }
        checked.set(label, cells);
        expect(problems).toEqual([]);
      },
      300_000,
    );
  }
  const total = perCaller * matrix.labels.length;
  it(`checked all ${total} cells`, () => {
    expect([...checked.values()].reduce((sum, cells) => sum + cells, 0)).toBe(total);
  });
}

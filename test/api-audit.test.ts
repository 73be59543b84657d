import { beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '#haven/access/permissions.js';
import {
  bearer,
  createToken,
  errorCode,
  expectStatus,
  seedAgency,
  seedUser,
  signedInClient,
  type ApiClient,
} from './support/api-client.js';
import { apiServerForFile } from './support/api-server.js';

const server = apiServerForFile();

interface AuditPage {
  entries: {
    seq: number;
    agencyId: string | null;
    action: string;
    actorName: string | null;
    outcome: string;
  }[];
  nextBefore: number | null;
}

interface VerifyResult {
  ok: boolean;
  rowsChecked: number;
  headSeq: number;
  headHash: string | null;
  firstProblem?: { seq: number; kind: string; detail: string };
}

interface Member {
  readonly agencyId: string;
  readonly username: string;
  readonly client: ApiClient;
}

let agencyA: string;
let agencyB: string;
let adminA: Member;
let investigatorA: Member;
let adminB: Member;
let central: Member;

async function member(agencyId: string, roles: readonly Role[]): Promise<Member> {
  const { haven, url } = server();
  const user = await seedUser(haven, { agencyId, roles });
  return { agencyId, username: user.username, client: await signedInClient(url, user) };
}

async function auditPage(who: Member | ApiClient, query = ''): Promise<AuditPage> {
  const client = 'client' in who ? who.client : who;
  return expectStatus(await client.get<AuditPage>(`/audit${query}`), 200).body;
}

beforeAll(async () => {
  const { haven } = server();
  agencyA = (await seedAgency(haven)).id;
  agencyB = (await seedAgency(haven)).id;
  const centralAgency = (await seedAgency(haven, { type: 'international' })).id;
  // Every sign-in is audited with the user's agency: each agency has rows of its own.
  adminA = await member(agencyA, ['agency_admin']);
  investigatorA = await member(agencyA, ['investigator']);
  adminB = await member(agencyB, ['agency_admin']);
  central = await member(centralAgency, ['central_admin']);
});

describe('GET /api/v1/audit', () => {
  it("shows an agency administrator only their own agency's rows, whatever they ask", async () => {
    const own = await auditPage(adminA, '?limit=500');
    expect(own.entries.length).toBeGreaterThan(0);
    expect(new Set(own.entries.map((entry) => entry.agencyId))).toEqual(new Set([agencyA]));
    // Their investigator's sign-in is part of their agency's log.
    expect(
      own.entries.some(
        (entry) => entry.actorName === investigatorA.username && entry.action.startsWith('auth.'),
      ),
    ).toBe(true);

    const asked = await auditPage(adminA, `?agency=${agencyB}&limit=500`);
    expect(new Set(asked.entries.map((entry) => entry.agencyId))).toEqual(new Set([agencyA]));
  });

  it('shows central administrators every agency, or the one they ask for', async () => {
    const all = await auditPage(central, '?limit=500');
    const agencies = new Set(all.entries.map((entry) => entry.agencyId));
    expect(agencies.has(agencyA) && agencies.has(agencyB) && agencies.has(central.agencyId)).toBe(true);

    const onlyB = await auditPage(central, `?agency=${agencyB}&action=auth`);
    expect(onlyB.entries.length).toBeGreaterThan(0);
    for (const entry of onlyB.entries) {
      expect(entry.agencyId).toBe(agencyB);
      expect(entry.action).toMatch(/^auth\./);
    }
  });

  it('records every read, visible to the reader’s agency and to central administration', async () => {
    await auditPage(adminB, '?action=auth&limit=3');
    const reads = await auditPage(central, `?action=audit.read&actor=${adminB.username}&limit=1`);
    expect(reads.entries[0]).toMatchObject({ action: 'audit.read', agencyId: agencyB, outcome: 'ok' });
    const ownReads = await auditPage(adminB, '?action=audit.read');
    expect(ownReads.entries.map((entry) => entry.actorName)).toContain(adminB.username);
  });

  it('pages newest first by seq', async () => {
    const first = await auditPage(central, '?limit=2');
    expect(first.entries).toHaveLength(2);
    expect(first.entries[0]!.seq).toBeGreaterThan(first.entries[1]!.seq);
    expect(first.nextBefore).toBe(first.entries[1]!.seq);
    const second = await auditPage(central, `?limit=2&before=${String(first.nextBefore)}`);
    expect(second.entries[0]!.seq).toBeLessThan(first.entries[1]!.seq);
  });

  it('keeps an agency administrator’s API token to their own agency too', async () => {
    const token = await createToken(adminA.client, { scopes: ['audit.read'] });
    const viaToken = expectStatus(
      await bearer(server().url, token).get<AuditPage>(`/audit?agency=${agencyB}`),
      200,
    );
    expect(new Set(viaToken.body.entries.map((entry) => entry.agencyId))).toEqual(new Set([agencyA]));
  });

  it('refuses investigators, anonymous callers and unknown or invalid parameters', async () => {
    const investigator = await investigatorA.client.get('/audit');
    expect(investigator.status).toBe(403);
    expect(errorCode(investigator)).toBe('FORBIDDEN');

    const { url } = server();
    const anonymous = await bearer(url, 'not-a-token').get('/audit');
    expect(anonymous.status).toBe(401);

    for (const query of ['colour=red', 'limit=501', 'before=soon', 'since=yesterday', 'agency=nope']) {
      const response = await central.client.get(`/audit?${query}`);
      expect(response.status, query).toBe(400);
      expect(errorCode(response), query).toBe('VALIDATION_FAILED');
    }
  });
});

describe('GET /api/v1/audit/verify', () => {
  it('verifies the whole chain for central administrators, and records that it did', async () => {
    const result = expectStatus(await central.client.get<VerifyResult>('/audit/verify'), 200).body;
    expect(result.ok).toBe(true);
    expect(result.firstProblem).toBeUndefined();
    expect(result.rowsChecked).toBe(result.headSeq);
    expect(result.headHash).toMatch(/^[0-9a-f]{64}$/);

    const anchored = await central.client.get<VerifyResult>(
      `/audit/verify?expectHead=${String(result.headSeq)}:${result.headHash!}`,
    );
    expect(anchored.body.ok).toBe(true);

    const recorded = await auditPage(central, `?action=audit.verify&actor=${central.username}&limit=1`);
    expect(recorded.entries[0]).toMatchObject({ action: 'audit.verify', outcome: 'ok' });
  });

  it('refuses agency administrators and investigators', async () => {
    for (const who of [adminA, investigatorA]) {
      const response = await who.client.get('/audit/verify');
      expect(response.status).toBe(403);
      expect(errorCode(response)).toBe('FORBIDDEN');
    }
    const unknown = await central.client.get('/audit/verify?deep=yes');
    expect(unknown.status).toBe(400);
  });
});

import { describe, expect, it } from 'vitest';
import { systemActor, type Actor } from '#haven/access/actor.js';
import { GENESIS_HASH, canonical, chainHash } from '#haven/audit/audit-chain.js';
import { parseAnchor, verifyAuditChain, type AuditVerifyResult } from '#haven/audit/audit-verify.js';
import { auditRepository } from '#haven/audit/audit.repository.js';
import { auditService } from '#haven/audit/audit.service.js';
import type { AuditRecord } from '#haven/audit/audit.types.js';
import type { Database } from '#haven/platform/db/database.js';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { fileDatabase } from '../../test/support/factories.js';

const database = fileDatabase('haven-audit-verify-');

const actor: Actor = {
  kind: 'user',
  userId: '00000000-0000-4000-8000-000000000001',
  agencyId: null,
  name: 'alice',
  roles: ['investigator'],
  permissions: new Set(['media.preview']),
  allAgencies: false,
};

/** Empties the log (as its owner, triggers off) and appends `count` events the normal way. */
async function freshChain(db: Database, count: number): Promise<AuditRecord[]> {
  await tamper(db, 'DELETE FROM audit_log');
  const records: AuditRecord[] = [];
  for (let n = 1; n <= count; n += 1) {
    records.push(
      await db.transaction((tx) =>
        auditService.record(tx, {
          actor: n % 5 === 0 ? systemActor('cli-operator') : actor,
          action: n % 3 === 0 ? 'media.preview.view' : 'auth.login',
          outcome: n % 7 === 0 ? 'failed' : 'ok',
          objectType: 'media',
          objectId: `m-${n}`,
          requestId: `req-${n}`,
          clientIp: '192.0.2.7',
          details: { n, nested: { list: [n, 'x'], flag: n % 2 === 0 } },
        }),
      ),
    );
  }
  return records;
}

/** Runs SQL as the database owner with the append-only triggers disabled, as an intruder could. */
async function tamper(db: Database, sql: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.exec('ALTER TABLE audit_log DISABLE TRIGGER USER');
    await tx.exec(sql);
    await tx.exec('ALTER TABLE audit_log ENABLE TRIGGER USER');
  });
}

async function hashAt(db: Database, seq: number): Promise<Buffer> {
  const rows = await db.query<{ hash: Uint8Array }>('SELECT hash FROM audit_log WHERE seq = $1', [seq]);
  return Buffer.from(rows[0]!.hash);
}

function problemOf(result: AuditVerifyResult): { seq: number; kind: string } | undefined {
  return result.firstProblem && { seq: result.firstProblem.seq, kind: result.firstProblem.kind };
}

describe('audit chain verification', () => {
  it('accepts an intact chain, walking it in pages', async () => {
    const db = database();
    const records = await freshChain(db, 50);
    for (const pageSize of [7, 50, 1000]) {
      const result = await verifyAuditChain(db, { pageSize });
      expect(result).toEqual({
        ok: true,
        rowsChecked: 50,
        headSeq: 50,
        headHash: records[49]!.hash.toString('hex'),
      });
    }
    expect(records[0]!.prevHash.equals(GENESIS_HASH)).toBe(true);
    expect(records.map((record) => record.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('accepts an empty chain', async () => {
    const db = database();
    await freshChain(db, 0);
    expect(await verifyAuditChain(db)).toEqual({ ok: true, rowsChecked: 0, headSeq: 0, headHash: null });
  });

  it('reports an edited details field at its row', async () => {
    const db = database();
    const records = await freshChain(db, 50);
    await tamper(db, `UPDATE audit_log SET details = jsonb_set(details, '{n}', '999') WHERE seq = 17`);
    const result = await verifyAuditChain(db, { pageSize: 10 });
    expect(result.ok).toBe(false);
    expect(problemOf(result)).toEqual({ seq: 17, kind: 'edited' });
    expect(result.firstProblem?.detail).toContain(records[16]!.hash.toString('hex'));
    expect(result.rowsChecked).toBe(16);
    expect(result.headSeq).toBe(16);
  });

  it('reports other edited columns (time, actor, outcome, client address)', async () => {
    const db = database();
    for (const change of [
      "at = at + interval '1 millisecond'",
      "actor_name = 'mallory'",
      "outcome = 'ok'",
      "client_ip = '198.51.100.1'",
      'agency_id = gen_random_uuid()',
    ]) {
      await freshChain(db, 30);
      await tamper(db, `UPDATE audit_log SET ${change} WHERE seq = 21`);
      expect(problemOf(await verifyAuditChain(db)), change).toEqual({ seq: 21, kind: 'edited' });
    }
  });

  it('reports a row rewritten with a recomputed hash at that row (its successor still points at the original)', async () => {
    const db = database();
    const records = await freshChain(db, 50);
    const original = records[19]!;
    const forged = { ...original, actorName: 'mallory', details: { n: 20, rewritten: true } };
    const hash = chainHash(forged);
    await tamper(db, `DELETE FROM audit_log WHERE seq = 20`);
    await db.transaction((tx) => auditRepository.insert(tx, { ...forged, hash }));
    const result = await verifyAuditChain(db);
    expect(problemOf(result)).toEqual({ seq: 20, kind: 'edited' });
    expect(result.rowsChecked).toBe(20);
  });

  it('reports a deleted middle row', async () => {
    const db = database();
    await freshChain(db, 50);
    await tamper(db, 'DELETE FROM audit_log WHERE seq = 25');
    const result = await verifyAuditChain(db, { pageSize: 10 });
    expect(problemOf(result)).toEqual({ seq: 25, kind: 'deleted' });
    expect(result.firstProblem?.detail).toBe('row 25 is missing: row 24 is followed by row 26');
    expect(result.rowsChecked).toBe(24);
  });

  it('reports deleted rows also when the later rows were renumbered to close the gap', async () => {
    const db = database();
    await freshChain(db, 50);
    await tamper(
      db,
      `DELETE FROM audit_log WHERE seq IN (25, 26);
       UPDATE audit_log SET seq = seq + 1000000 WHERE seq > 26;
       UPDATE audit_log SET seq = seq - 1000002 WHERE seq > 1000000;`,
    );
    expect(problemOf(await verifyAuditChain(db))).toEqual({ seq: 25, kind: 'deleted' });
  });

  it('reports deleted first rows and a changed genesis', async () => {
    const db = database();
    await freshChain(db, 20);
    await tamper(db, 'DELETE FROM audit_log WHERE seq <= 2');
    const deleted = await verifyAuditChain(db);
    expect(problemOf(deleted)).toEqual({ seq: 1, kind: 'deleted' });
    expect(deleted.firstProblem?.detail).toBe(
      'rows 1..2 are missing: the start of the chain is followed by row 3',
    );

    const records = await freshChain(db, 20);
    const first = { ...records[0]!, prevHash: Buffer.alloc(32, 7) };
    await tamper(db, 'DELETE FROM audit_log WHERE seq = 1');
    await db.transaction((tx) => auditRepository.insert(tx, { ...first, hash: chainHash(first) }));
    const genesis = await verifyAuditChain(db);
    expect(problemOf(genesis)).toEqual({ seq: 1, kind: 'edited' });
    expect(genesis.firstProblem?.detail).toContain('genesis');
  });

  it('reports rows whose seq values were swapped as reordered', async () => {
    const db = database();
    for (const [a, b] of [
      [10, 30],
      [10, 11],
      [49, 50],
    ] as const) {
      await freshChain(db, 50);
      await tamper(
        db,
        `UPDATE audit_log SET seq = -1 WHERE seq = ${a};
         UPDATE audit_log SET seq = ${a} WHERE seq = ${b};
         UPDATE audit_log SET seq = ${b} WHERE seq = -1;`,
      );
      const result = await verifyAuditChain(db, { pageSize: 8 });
      expect(problemOf(result), `${a}<->${b}`).toEqual({ seq: a, kind: 'reordered' });
      expect(result.firstProblem?.detail).toContain(`written as row ${b}`);
    }
  });

  it('reports a forged row inserted in the middle with a valid hash of its own, seen at the following row', async () => {
    const db = database();
    const records = await freshChain(db, 50);
    await tamper(
      db,
      `UPDATE audit_log SET seq = seq + 1000000 WHERE seq > 30;
       UPDATE audit_log SET seq = seq - 999999 WHERE seq > 1000000;`,
    );
    const forged = {
      ...records[29]!,
      seq: 31,
      actorName: 'mallory',
      action: 'auth.login',
      details: { forged: true },
      prevHash: records[29]!.hash,
    };
    await db.transaction((tx) => auditRepository.insert(tx, { ...forged, hash: chainHash(forged) }));
    const result = await verifyAuditChain(db, { pageSize: 16 });
    expect(problemOf(result)).toEqual({ seq: 31, kind: 'inserted' });
    expect(result.firstProblem?.detail).toBe(
      'row 31 was inserted: row 32 (written as row 31) is chained directly to row 30',
    );
    // The forged row itself passes on its own: the break is only visible from the row after it.
    expect(result.rowsChecked).toBe(31);
  });

  it('cannot see a cut-off tail alone, but reports it as truncated against an earlier head', async () => {
    const db = database();
    await freshChain(db, 50);
    const before = await verifyAuditChain(db);
    const anchor = parseAnchor(`${before.headSeq}:${before.headHash!}`);
    await tamper(db, 'DELETE FROM audit_log WHERE seq > 40');

    const alone = await verifyAuditChain(db);
    expect(alone).toMatchObject({ ok: true, rowsChecked: 40, headSeq: 40 });

    const anchored = await verifyAuditChain(db, { expectHead: anchor });
    expect(anchored.ok).toBe(false);
    expect(problemOf(anchored)).toEqual({ seq: 41, kind: 'truncated' });
    expect(anchored.firstProblem?.detail).toContain('rows 41..50 were removed');

    // Grown again past the anchor: the anchored row is a different one now.
    for (let n = 0; n < 15; n += 1) {
      await db.transaction((tx) => auditService.record(tx, { actor, action: 'auth.login', outcome: 'ok' }));
    }
    const regrown = await verifyAuditChain(db, { expectHead: anchor });
    expect(problemOf(regrown)).toEqual({ seq: 50, kind: 'truncated' });

    // An anchor on a row that is still there with its hash is satisfied.
    const earlier = parseAnchor(`30:${(await hashAt(db, 30)).toString('hex')}`);
    expect((await verifyAuditChain(db, { expectHead: earlier })).ok).toBe(true);
  });

  it('refuses a malformed anchor', () => {
    expect(() => parseAnchor('12')).toThrow(/SEQ:HASH/);
    expect(() => parseAnchor(`0:${'0'.repeat(64)}`)).toThrow(/SEQ:HASH/);
    expect(() => parseAnchor(`5:${'0'.repeat(63)}`)).toThrow(/SEQ:HASH/);
    expect(parseAnchor(`5:${'ab'.repeat(32)}`)).toEqual({ seq: 5, hash: Buffer.alloc(32, 0xab) });
  });

  it('refuses UPDATE, DELETE and TRUNCATE while the triggers are on', async () => {
    const db = database();
    await freshChain(db, 5);
    await expect(db.query("UPDATE audit_log SET action = 'x' WHERE seq = 2")).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM audit_log WHERE seq = 2')).rejects.toThrow(/append-only/);
    await expect(db.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, rowsChecked: 5 });
  });

  it('keeps a valid, gap-free chain under concurrent transactions, rolled-back ones included', async () => {
    const db = database();
    await freshChain(db, 0);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 60 }, (_, n) =>
        db.transaction(async (tx) => {
          await tx.query('SELECT count(*) FROM audit_log');
          await auditService.record(tx, { actor, action: 'search.run', outcome: 'ok', details: { n } });
          if (n % 4 === 3) {
            throw new Error('the audited action failed: its audit row goes with it');
          }
        }),
      ),
    );
    const committed = outcomes.filter((outcome) => outcome.status === 'fulfilled').length;
    expect(committed).toBe(45);
    const result = await verifyAuditChain(db);
    expect(result).toMatchObject({ ok: true, rowsChecked: 45, headSeq: 45 });
    const seqs = await db.query<{ seq: number }>('SELECT seq FROM audit_log ORDER BY seq');
    expect(seqs.map((row) => row.seq)).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
  });
});

describe('canonical JSON and stored values', () => {
  it('does not depend on key order, at any depth; arrays keep theirs', () => {
    expect(canonical({ b: 1, a: { d: [3, 1], c: null } })).toBe(
      canonical({ a: { c: null, d: [3, 1] }, b: 1 }),
    );
    expect(canonical({ b: 1, a: { d: [3, 1], c: null } })).toBe('{"a":{"c":null,"d":[3,1]},"b":1}');
    expect(canonical([1, 3])).not.toBe(canonical([3, 1]));
    expect(canonical({ a: undefined, b: 2 })).toBe('{"b":2}');
  });

  it('hashes the same after a jsonb round trip (key order, nesting, unicode, numbers)', async () => {
    const db = database();
    await freshChain(db, 0);
    const details = {
      zeta: 'last',
      alpha: { nested: { deeper: [1, { y: 2, x: 1 }, []] }, empty: {} },
      unicode: 'é 😀 \u2028 中文 \u00a0 "quoted" \\ back',
      longer_key_first: true,
      k: 1,
      numbers: [
        0,
        -0,
        0.1,
        1e21,
        1e-7,
        -12.5e-3,
        2 ** 53 - 1,
        123456789.123456,
        5e-324,
        1.7976931348623157e308,
      ],
      nothing: null,
      dropped: undefined,
      when: new Date('2025-01-31T12:00:00.123Z'),
    };
    const written = await db.transaction((tx) =>
      auditService.record(tx, { actor, action: 'export.create', outcome: 'ok', details }),
    );
    const [read] = await auditRepository.page(db, 0, 10);
    expect(canonical(read!.details)).toBe(canonical(written.details));
    expect(chainHash(read!).equals(read!.hash)).toBe(true);
    expect(read!.details).toMatchObject({ when: '2025-01-31T12:00:00.123Z', unicode: details.unicode });
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, rowsChecked: 1 });
  });

  it('stores and verifies text PostgreSQL would refuse or alter (NUL, lone surrogates)', async () => {
    const db = database();
    await freshChain(db, 0);
    const written = await db.transaction((tx) =>
      auditService.record(tx, {
        actor: null,
        action: 'auth.login',
        outcome: 'failed',
        attemptedName: `eve\0\uD800${'x'.repeat(500)}`,
        clientIp: '203.0.113.9',
        agencyId: '00000000-0000-4000-8000-0000000000aa',
        details: { ['k\uDC00']: 'v\0w', list: ['\uD83D'] },
      }),
    );
    expect(written.actorName).toBe(`eve\uFFFD\uFFFD${'x'.repeat(195)}`);
    expect(written.details).toEqual({ 'k\uFFFD': 'v\uFFFDw', list: ['\uFFFD'] });
    expect(written.agencyId).toBe('00000000-0000-4000-8000-0000000000aa');
    expect(written.actorKind).toBe('anonymous');
    const [read] = await auditRepository.page(db, 0, 10);
    expect(read!.actorName).toBe(written.actorName);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, rowsChecked: 1 });
  });

  it('searches by dotted action prefix, literally, scoped to an agency', async () => {
    const db = database();
    await freshChain(db, 0);
    const agency = '00000000-0000-4000-8000-0000000000bb';
    const scoped: Actor = { ...actor, agencyId: agency };
    for (const action of [
      'auth.login',
      'auth.mfa.verify',
      'authx.other',
      'a_th.login',
      'media.preview.view',
    ]) {
      await db.transaction((tx) => auditService.record(tx, { actor: scoped, action, outcome: 'ok' }));
    }
    await db.transaction((tx) => auditService.record(tx, { actor, action: 'auth.login', outcome: 'ok' }));
    const actions = async (filter: Parameters<typeof auditService.search>[1]): Promise<string[]> =>
      (await auditService.search(db, filter)).map((record) => record.action);
    expect(await actions({ action: 'auth', limit: 10 })).toEqual([
      'auth.login',
      'auth.mfa.verify',
      'auth.login',
    ]);
    expect(await actions({ action: 'auth', agencyId: agency, limit: 10 })).toEqual([
      'auth.mfa.verify',
      'auth.login',
    ]);
    expect(await actions({ action: 'a_th', limit: 10 })).toEqual(['a_th.login']);
    expect(await actions({ action: '%', limit: 10 })).toEqual([]);
    expect((await auditService.search(db, { beforeSeq: 3, limit: 10 })).map((r) => r.seq)).toEqual([2, 1]);
  });
});

import { describe, expect, it } from 'vitest';
import { systemActor } from '#haven/access/actor.js';
import { auditService } from '#haven/audit/audit.service.js';
import { jsonLines, runCli } from './support/cli.js';
import { freshDataDir, openTestHaven } from './support/haven-fixture.js';
import { openDataDirDatabase } from './support/test-database.js';

/** Appends `count` events in-process, as the server would, and closes Haven again. */
async function writeEvents(dataDir: string, count: number): Promise<void> {
  const haven = await openTestHaven(dataDir);
  try {
    for (let n = 1; n <= count; n += 1) {
      await haven.db.transaction((tx) =>
        auditService.record(tx, {
          actor: systemActor('tester'),
          action: n % 2 === 0 ? 'media.preview.view' : 'auth.login',
          outcome: 'ok',
          objectType: 'media',
          objectId: `m-${n}`,
          clientIp: '192.0.2.1',
          details: { n },
        }),
      );
    }
  } finally {
    await haven.close();
  }
}

/** Changes the log as its owner could, with the append-only triggers off. */
async function tamper(dataDir: string, sql: string): Promise<void> {
  const db = await openDataDirDatabase(dataDir);
  try {
    await db.transaction(async (tx) => {
      await tx.exec('ALTER TABLE audit_log DISABLE TRIGGER USER');
      await tx.exec(sql);
      await tx.exec('ALTER TABLE audit_log ENABLE TRIGGER USER');
    });
  } finally {
    await db.close();
  }
}

describe('haven audit', () => {
  it('verify: exit 0 on an intact chain, 1 naming the first edited row', async () => {
    const dataDir = freshDataDir();
    await writeEvents(dataDir, 20);

    const intact = await runCli(['audit', 'verify', '--data', dataDir]);
    expect(intact.code, intact.stderr).toBe(0);
    expect(intact.stdout).toContain('Audit chain intact: 20 rows, head 20');
    expect(intact.stdout).toMatch(/--expect-head 20:[0-9a-f]{64}/);

    const asJson = await runCli(['audit', 'verify', '--data', dataDir, '--json']);
    expect(asJson.code).toBe(0);
    const [result] = jsonLines(asJson.stdout);
    expect(result).toMatchObject({ ok: true, rowsChecked: 20, headSeq: 20 });
    expect(result!.headHash).toMatch(/^[0-9a-f]{64}$/);

    await tamper(dataDir, `UPDATE audit_log SET details = '{"n": 700}' WHERE seq = 7`);
    const broken = await runCli(['audit', 'verify', '--data', dataDir]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('Audit chain BROKEN at row 7: edited');
    expect(broken.stdout).toContain('6 rows intact before it');

    const brokenJson = await runCli(['audit', 'verify', '--data', dataDir, '--json']);
    expect(brokenJson.code).toBe(1);
    expect(jsonLines(brokenJson.stdout)).toEqual([
      expect.objectContaining({
        ok: false,
        rowsChecked: 6,
        firstProblem: expect.objectContaining({ seq: 7, kind: 'edited' }) as unknown,
      }),
    ]);
  });

  it('verify: a deleted row, and a cut-off tail only against --expect-head', async () => {
    const dataDir = freshDataDir();
    await writeEvents(dataDir, 12);
    const [head] = jsonLines((await runCli(['audit', 'verify', '--data', dataDir, '--json'])).stdout);
    const anchor = `${String(head!.headSeq)}:${String(head!.headHash)}`;

    await tamper(dataDir, 'DELETE FROM audit_log WHERE seq > 9');
    const alone = await runCli(['audit', 'verify', '--data', dataDir]);
    expect(alone.code).toBe(0);
    expect(alone.stdout).toContain('Audit chain intact: 9 rows, head 9');

    const anchored = await runCli(['audit', 'verify', '--data', dataDir, '--expect-head', anchor]);
    expect(anchored.code).toBe(1);
    expect(anchored.stdout).toContain('Audit chain BROKEN at row 10: truncated');
    expect(anchored.stdout).toContain('rows 10..12 were removed');

    await tamper(dataDir, 'DELETE FROM audit_log WHERE seq = 4');
    const deleted = await runCli(['audit', 'verify', '--data', dataDir, '--json']);
    expect(deleted.code).toBe(1);
    expect(jsonLines(deleted.stdout)[0]).toMatchObject({
      ok: false,
      firstProblem: { seq: 4, kind: 'deleted', detail: 'row 4 is missing: row 3 is followed by row 5' },
    });
  });

  it('verify: a malformed --expect-head is a usage error', async () => {
    const dataDir = freshDataDir();
    const run = await runCli(['audit', 'verify', '--data', dataDir, '--expect-head', 'twelve']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('expected SEQ:HASH');
    expect(run.stdout).toBe('');
  });

  it('list: newest first, filtered by action prefix and limit, and the reading is itself recorded', async () => {
    const dataDir = freshDataDir();
    await writeEvents(dataDir, 10);
    const listed = await runCli([
      'audit',
      'list',
      '--data',
      dataDir,
      '--action',
      'media',
      '--limit',
      '3',
      '--json',
    ]);
    expect(listed.code, listed.stderr).toBe(0);
    const rows = jsonLines(listed.stdout);
    expect(rows.map((row) => [row.seq, row.action])).toEqual([
      [10, 'media.preview.view'],
      [8, 'media.preview.view'],
      [6, 'media.preview.view'],
    ]);
    expect(rows[0]).toMatchObject({ actorKind: 'system', actorName: 'tester', details: { n: 10 } });

    const text = await runCli([
      'audit',
      'list',
      '--data',
      dataDir,
      '--action',
      'audit',
      '--since',
      '2000-01-01',
    ]);
    expect(text.code).toBe(0);
    expect(text.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^11\t\S+\ttest-operator\t-\taudit\.read\tok\taudit_log\t-$/),
    ]);

    const bad = await runCli(['audit', 'list', '--data', dataDir, '--limit', '0']);
    expect(bad.code).toBe(2);
    expect((await runCli(['audit', 'verify', '--data', dataDir])).code).toBe(0);
  });
});

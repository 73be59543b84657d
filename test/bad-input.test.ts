import { chmodSync, chownSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { jsonLines, runCli } from './support/cli.js';
import { storeCounts } from './support/db-inspect.js';
import { freshDataDir } from './support/haven-fixture.js';
import { pictureJpeg } from './support/images.js';
import { rawZip } from './support/raw-zip.js';
import { tempDir } from './support/temp-dir.js';

interface Line {
  path: string;
  sha256: string | null;
  status: string;
  error?: string;
  errorCode?: string;
}

async function ingestJson(
  source: string,
  env: Record<string, string> = {},
  data = freshDataDir(),
): Promise<{ byName: Map<string, Line>; data: string; summary: Record<string, number> }> {
  const result = await runCli(['ingest', source, '--case', 'BAD', '--data', data, '--json'], env);
  expect(result.code, result.stderr).toBe(0);
  const lines = jsonLines(result.stdout);
  const summary = (lines.pop() as { summary: Record<string, number> }).summary;
  const byName = new Map(
    (lines as unknown as Line[]).map((line) => [line.path.slice(source.length + 1), line]),
  );
  return { byName, data, summary };
}

/** A PNG header declaring 100000 x 100000 pixels, with a valid CRC and a token IDAT. */
function pixelBombPng(): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(execCrc(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(100_000, 0);
  ihdr.writeUInt32BE(100_000, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// zlib's CRC-32 is the PNG chunk CRC.
const execCrc = (data: Buffer): number => crc32(data);

describe('bad input is reported per file and the batch goes on', () => {
  it('handles damaged, empty, oversized and strangely named files in one ingest', async () => {
    const source = tempDir('haven-bad-');
    const good = await pictureJpeg(300);
    writeFileSync(path.join(source, 'good-1.jpg'), good);
    writeFileSync(path.join(source, 'truncated.jpg'), good.subarray(0, Math.floor(good.length / 2)));
    writeFileSync(
      path.join(source, 'garbage.png'),
      Buffer.concat([pixelBombPng().subarray(0, 8), Buffer.alloc(500, 7)]),
    );
    writeFileSync(path.join(source, 'empty.jpg'), Buffer.alloc(0));
    writeFileSync(path.join(source, 'pixel-bomb.png'), pixelBombPng());
    writeFileSync(
      Buffer.concat([Buffer.from(`${source}/caf`), Buffer.from([0xe9]), Buffer.from('-latin1.jpg')]),
      await pictureJpeg(301),
    );
    writeFileSync(
      Buffer.concat([Buffer.from(source + '/'), Buffer.from([0x6e, 0xff, 0xfe, 0x2e, 0x6a, 0x70, 0x67])]),
      await pictureJpeg(302),
    );
    writeFileSync(path.join(source, '写真.jpg'), await pictureJpeg(303));
    mkdirSync(path.join(source, 'loop'));
    symlinkSync('..', path.join(source, 'loop', 'back-up'));
    symlinkSync('missing-target', path.join(source, 'dangling'));
    execFileSync('mkfifo', [path.join(source, 'a-pipe')]);
    writeFileSync(path.join(source, 'good-2.jpg'), await pictureJpeg(304));

    const { byName, data, summary } = await ingestJson(source);
    expect(byName.get('good-1.jpg')).toMatchObject({ status: 'new' });
    expect(byName.get('good-2.jpg')).toMatchObject({ status: 'new' });
    expect(byName.get('写真.jpg')).toMatchObject({ status: 'new' });
    expect(byName.get('caf\\xe9-latin1.jpg')).toMatchObject({ status: 'new' });
    expect(byName.get('n\\xff\\xfe.jpg')).toMatchObject({ status: 'new' });
    expect(byName.get('truncated.jpg')).toMatchObject({ status: 'error', errorCode: 'IMAGE_UNDECODABLE' });
    expect(byName.get('truncated.jpg')!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(byName.get('garbage.png')).toMatchObject({ status: 'error', errorCode: 'IMAGE_UNDECODABLE' });
    expect(byName.get('empty.jpg')).toMatchObject({ status: 'error', errorCode: 'INPUT_EMPTY' });
    expect(byName.get('pixel-bomb.png')).toMatchObject({ status: 'error', errorCode: 'IMAGE_TOO_LARGE' });
    expect(byName.get('pixel-bomb.png')!.error).toContain('100000x100000');
    expect(byName.get('loop/back-up')).toMatchObject({ status: 'error', errorCode: 'INPUT_UNREADABLE' });
    expect(byName.get('loop/back-up')!.error).toContain('loop');
    expect(byName.get('dangling')!.error).toContain('broken symbolic link');
    expect(byName.get('a-pipe')!.error).toContain('named pipe');
    expect(summary).toMatchObject({ new: 5, error: 7 });
    // Damaged images are still evidence: stored and hashed, only not decoded.
    const counts = await storeCounts(data);
    expect(counts.originals).toBe(8);
  });

  it('reports a file it may not read (permission denied) and goes on', async () => {
    const source = tempDir('haven-perm-');
    chmodSync(source, 0o755);
    writeFileSync(path.join(source, 'readable.jpg'), await pictureJpeg(310));
    writeFileSync(path.join(source, 'secret.jpg'), await pictureJpeg(311));
    chmodSync(path.join(source, 'secret.jpg'), 0o000);
    chmodSync(path.join(source, 'readable.jpg'), 0o644);
    const data = freshDataDir();
    const asRoot = process.getuid?.() === 0;
    let user: { uid: number; gid: number } | undefined;
    if (asRoot) {
      // Root reads everything: run as an unprivileged user, who owns the data directory.
      user = { uid: 65534, gid: 65534 };
      chmodSync(data, 0o755);
      chownTree(data, user.uid, user.gid);
    }
    const result = await runCli(['ingest', source, '--case', 'P', '--data', data, '--json'], {}, user);
    expect(result.code, result.stderr).toBe(0);
    const lines = jsonLines(result.stdout) as unknown as Line[];
    const secret = lines.find((line) => line.path.endsWith('secret.jpg'))!;
    expect(secret).toMatchObject({
      status: 'error',
      errorCode: 'INPUT_UNREADABLE',
      error: 'permission denied',
    });
    expect(lines.find((line) => line.path.endsWith('readable.jpg'))).toMatchObject({ status: 'new' });
  });
});

function chownTree(dir: string, uid: number, gid: number): void {
  chownSync(dir, uid, gid);
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      chownTree(full, uid, gid);
    } else {
      chownSync(full, uid, gid);
    }
  }
}

describe('hostile archives', () => {
  it('refuses traversal and absolute names, encrypted and corrupt entries, and opens the rest', async () => {
    const source = tempDir('haven-zip-');
    const picture = await pictureJpeg(320);
    writeFileSync(
      path.join(source, 'crafted.zip'),
      rawZip([
        { name: '../../etc/evil.jpg', data: picture },
        { name: '/absolute/evil.jpg', data: picture },
        { name: 'C:\\windows\\evil.jpg', data: picture },
        { name: 'locked.jpg', data: picture, encrypted: true },
        { name: Buffer.from([0x63, 0x61, 0x66, 0x82, 0x2e, 0x6a, 0x70, 0x67]), data: await pictureJpeg(321) },
        { name: 'photos/ünïcode.jpg', data: await pictureJpeg(322), utf8: true, deflate: true },
      ]),
    );
    writeFileSync(
      path.join(source, 'corrupt.zip'),
      Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(300, 1)]),
    );
    const { byName } = await ingestJson(source);
    const entry = (name: string): Line | undefined => byName.get(`crafted.zip!/${name}`);
    expect(entry('../../etc/evil.jpg')).toMatchObject({ status: 'error', errorCode: 'ARCHIVE_UNSAFE_PATH' });
    expect(entry('/absolute/evil.jpg')).toMatchObject({ status: 'error', errorCode: 'ARCHIVE_UNSAFE_PATH' });
    expect(entry('C:\\windows\\evil.jpg')).toMatchObject({
      status: 'error',
      errorCode: 'ARCHIVE_UNSAFE_PATH',
    });
    expect(entry('locked.jpg')).toMatchObject({ status: 'error', errorCode: 'ARCHIVE_ENTRY_UNREADABLE' });
    expect(entry('café.jpg')).toMatchObject({ status: 'new' });
    expect(entry('photos/ünïcode.jpg')).toMatchObject({ status: 'new' });
    expect(byName.get('crafted.zip')).toMatchObject({ status: 'new' });
    expect(byName.get('corrupt.zip')).toMatchObject({ status: 'new' });
    expect(byName.get('corrupt.zip!/')).toMatchObject({ status: 'error', errorCode: 'ARCHIVE_CORRUPT' });
  });

  it('stops zip bombs: ratio, entry count, total size and nesting depth', async () => {
    const source = tempDir('haven-bomb-');
    const zeros = Buffer.alloc(8 * 1024 * 1024);
    writeFileSync(
      path.join(source, 'ratio.zip'),
      rawZip([{ name: 'zeros.bin', data: zeros, deflate: true }]),
    );
    const many = Array.from({ length: 12 }, (_, i) => ({
      name: `f${i}.txt`,
      data: Buffer.from(`file ${i}`),
    }));
    writeFileSync(path.join(source, 'many.zip'), rawZip(many));
    let nested = rawZip([{ name: 'core.txt', data: Buffer.from('innermost') }]);
    for (let depth = 0; depth < 5; depth += 1) {
      nested = rawZip([{ name: `level${depth}.zip`, data: nested }]);
    }
    writeFileSync(path.join(source, 'deep.zip'), nested);
    const { byName } = await ingestJson(source, {
      HAVEN_ARCHIVE_MAX_RATIO: '100',
      HAVEN_ARCHIVE_MAX_ENTRIES: '5',
      HAVEN_ARCHIVE_MAX_DEPTH: '3',
    });
    expect(byName.get('ratio.zip!/zeros.bin')).toMatchObject({ status: 'error', errorCode: 'ARCHIVE_LIMIT' });
    expect(byName.get('ratio.zip!/zeros.bin')!.error).toMatch(/expands \d+:1/);
    const manyEntries = [...byName.keys()].filter((name) => name.startsWith('many.zip!/'));
    expect(manyEntries.filter((name) => byName.get(name)!.status === 'new')).toHaveLength(5);
    expect(byName.get('many.zip!/f5.txt')).toMatchObject({ status: 'error', errorCode: 'ARCHIVE_LIMIT' });
    expect(byName.get('many.zip!/f6.txt')).toBeUndefined();
    const deepest = [...byName.entries()].filter(
      ([, line]) => line.errorCode === 'ARCHIVE_LIMIT' && line.path.includes('level'),
    );
    expect(deepest).toHaveLength(1);
    expect(deepest[0]![1].error).toContain('nested more than 3 deep');
    expect([...byName.keys()].some((name) => name.endsWith('core.txt'))).toBe(false);

    const total = tempDir('haven-total-');
    writeFileSync(
      path.join(total, 'big.zip'),
      rawZip([
        { name: 'a.bin', data: Buffer.alloc(600_000, 1), deflate: true },
        { name: 'b.bin', data: Buffer.alloc(600_000, 2), deflate: true },
      ]),
    );
    const limited = await ingestJson(total, { HAVEN_ARCHIVE_MAX_TOTAL_BYTES: '1000000' });
    expect(limited.byName.get('big.zip!/a.bin')).toMatchObject({ status: 'new' });
    expect(limited.byName.get('big.zip!/b.bin')).toMatchObject({
      status: 'error',
      errorCode: 'ARCHIVE_LIMIT',
    });
  });
});

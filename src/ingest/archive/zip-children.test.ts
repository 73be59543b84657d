import { createHash } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { ArchiveBudget, type ArchiveLimits } from '#haven/ingest/archive/archive-budget.js';
import { zipChildren, type OpenableArchive } from '#haven/ingest/archive/zip-children.js';
import { bufferSource, fileSource, type ContentSource } from '#haven/ingest/pipeline/content-source.js';
import { NO_TIMES } from '#haven/ingest/walk/file-times.js';
import type { ErrorCode } from '#haven/platform/errors/error-catalogue.js';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { rawZip } from '../../../test/support/raw-zip.js';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { tempDir } from '../../../test/support/temp-dir.js';

const MIB = 1024 * 1024;

const LIMITS: ArchiveLimits = {
  maxEntries: 1_000,
  maxDepth: 8,
  maxTotalBytes: 1024 * MIB,
  maxRatio: 1000,
  nestedMaxBytes: 64 * MIB,
};

type Child =
  | {
      readonly kind: 'entry';
      readonly source: ContentSource;
      /** Read while the archive is still open (as the pipeline does). */
      readonly content: Buffer | undefined;
      readonly readError: unknown;
    }
  | {
      readonly kind: 'problem';
      readonly displayPath: string;
      readonly pathKey: Buffer;
      readonly code: ErrorCode;
      readonly reason: string;
    };

async function readAll(source: ContentSource): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of await source.open()) {
    parts.push(Buffer.from(part));
  }
  return Buffer.concat(parts);
}

async function children(archive: OpenableArchive, budget = new ArchiveBudget(LIMITS)): Promise<Child[]> {
  const out: Child[] = [];
  for await (const child of zipChildren(archive, budget)) {
    if ('problem' in child) {
      out.push({ kind: 'problem', ...child.problem });
      continue;
    }
    try {
      out.push({
        kind: 'entry',
        source: child.source,
        content: await readAll(child.source),
        readError: undefined,
      });
    } catch (error) {
      out.push({ kind: 'entry', source: child.source, content: undefined, readError: error });
    }
  }
  return out;
}

const sha256 = (bytes: Uint8Array): Buffer => createHash('sha256').update(bytes).digest();

/** An archive held in memory (as nested archives are), `depth` archives deep. */
function inMemory(bytes: Buffer, displayPath = '/case/seized.zip', depth = 0): OpenableArchive {
  return {
    source: bufferSource(displayPath, Buffer.from(displayPath), bytes, NO_TIMES, depth, null),
    sha256: sha256(bytes),
    bytes,
  };
}

/** An archive on disk, opened in place. */
function onDisk(bytes: Buffer, name = 'seized.zip'): OpenableArchive {
  const file = path.join(tempDir('haven-zip-'), name);
  writeFileSync(file, bytes);
  return {
    source: fileSource(Buffer.from(file), file, bytes.length, NO_TIMES),
    sha256: sha256(bytes),
    bytes: undefined,
  };
}

function entries(list: readonly Child[]): Extract<Child, { kind: 'entry' }>[] {
  return list.filter((child): child is Extract<Child, { kind: 'entry' }> => child.kind === 'entry');
}

function problems(list: readonly Child[]): Extract<Child, { kind: 'problem' }>[] {
  return list.filter((child): child is Extract<Child, { kind: 'problem' }> => child.kind === 'problem');
}

function yazlZip(
  files: readonly { name: string; data: Buffer; mtime?: Date; compress?: boolean }[],
): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const file of files) {
    zip.addBuffer(file.data, file.name, {
      mtime: file.mtime ?? new Date(2020, 0, 2, 3, 4, 6),
      compress: file.compress ?? true,
    });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    zip.outputStream.on('data', (part: Buffer) => parts.push(part));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => {
      resolve(Buffer.concat(parts));
    });
  });
}

const PHOTO = Buffer.from('pretend these are JPEG bytes '.repeat(40));
const NOTE = Buffer.from('a note inside the archive');

function plainArchive(): Buffer {
  return rawZip([
    { name: 'photos/', data: Buffer.alloc(0) },
    { name: 'photos/a.jpg', data: PHOTO, deflate: true },
    { name: 'photos/sub\\', data: Buffer.alloc(0) },
    { name: 'note.txt', data: NOTE },
  ]);
}

describe('zipChildren over an archive in memory and on disk', () => {
  for (const [where, open] of [
    ['in memory', (bytes: Buffer) => inMemory(bytes)],
    ['on disk', (bytes: Buffer) => onDisk(bytes)],
  ] as const) {
    it(`${where}: yields file entries in directory order, skips folders, streams their exact content`, async () => {
      const bytes = plainArchive();
      const archive = open(bytes);
      const list = await children(archive);
      expect(problems(list)).toEqual([]);
      const found = entries(list);
      expect(found.map((child) => child.source.displayPath)).toEqual([
        `${archive.source.displayPath}!/photos/a.jpg`,
        `${archive.source.displayPath}!/note.txt`,
      ]);
      expect(found[0]?.content?.equals(PHOTO)).toBe(true);
      expect(found[1]?.content?.equals(NOTE)).toBe(true);
      for (const child of found) {
        expect(child.source.depth).toBe(1);
        expect(child.source.filePath).toBeNull();
        expect(child.source.containerSha256?.equals(sha256(bytes))).toBe(true);
        expect(child.source.declaredSize).toBe(child.content?.length);
      }
    });
  }

  it('gives every entry the pathKey archive key + "!/" + raw name bytes', async () => {
    const archive = onDisk(plainArchive(), 'keyed.zip');
    const found = entries(await children(archive));
    expect(found.map((child) => child.source.pathKey)).toEqual([
      Buffer.concat([archive.source.pathKey, Buffer.from('!/photos/a.jpg')]),
      Buffer.concat([archive.source.pathKey, Buffer.from('!/note.txt')]),
    ]);
  });

  it("keeps each entry's modification time (DOS time, 2-second resolution)", async () => {
    const mtime = new Date(2019, 5, 7, 8, 9, 10);
    const found = entries(
      await children(inMemory(await yazlZip([{ name: 'dated.jpg', data: PHOTO, mtime }]))),
    );
    expect(found).toHaveLength(1);
    expect(found[0]?.source.times).toEqual({ ...NO_TIMES, modifiedAt: mtime });
  });

  it('reads names as code page 437 unless the UTF-8 flag is set, and keeps the raw bytes in pathKey', async () => {
    const cp437Name = Buffer.from([0x81, 0x62, 0x65, 0x72, 0x2e, 0x6a, 0x70, 0x67]); // "über.jpg" in CP437
    const utf8Bytes = Buffer.from('über.jpg', 'utf8');
    const badUtf8 = Buffer.from([0x66, 0xff, 0x2e, 0x6a, 0x70, 0x67]);
    const archive = inMemory(
      rawZip([
        { name: cp437Name, data: Buffer.from('1') },
        { name: utf8Bytes, data: Buffer.from('2'), utf8: true },
        { name: utf8Bytes, data: Buffer.from('3') }, // UTF-8 bytes without the flag: read as CP437
        { name: badUtf8, data: Buffer.from('4'), utf8: true }, // flag set, bytes not UTF-8
      ]),
      '/case/names.zip',
    );
    const found = entries(await children(archive));
    expect(found.map((child) => child.source.displayPath)).toEqual([
      '/case/names.zip!/über.jpg',
      '/case/names.zip!/über.jpg',
      '/case/names.zip!/├╝ber.jpg',
      '/case/names.zip!/f\\xff.jpg',
    ]);
    const prefix = Buffer.from('/case/names.zip!/');
    expect(found.map((child) => child.source.pathKey)).toEqual([
      Buffer.concat([prefix, cp437Name]),
      Buffer.concat([prefix, utf8Bytes]),
      Buffer.concat([prefix, utf8Bytes]),
      Buffer.concat([prefix, badUtf8]),
    ]);
  });
});

describe('zipChildren refusals', () => {
  it('reports an encrypted entry and goes on with the next ones', async () => {
    const list = await children(
      inMemory(
        rawZip([
          { name: 'secret.jpg', data: PHOTO, encrypted: true },
          { name: 'open.txt', data: NOTE },
        ]),
      ),
    );
    expect(list.map((child) => child.kind)).toEqual(['problem', 'entry']);
    expect(problems(list)[0]).toEqual({
      kind: 'problem',
      displayPath: '/case/seized.zip!/secret.jpg',
      pathKey: Buffer.from('/case/seized.zip!/secret.jpg'),
      code: 'ARCHIVE_ENTRY_UNREADABLE',
      reason: 'entry is encrypted (password-protected)',
    });
    expect(entries(list)[0]?.content?.equals(NOTE)).toBe(true);
  });

  it('reports unsafe names (absolute, drive, traversal, backslash traversal, NUL) and never opens them', async () => {
    const unsafe = [
      '/etc/passwd',
      'C:\\Windows\\evil.dll',
      '../../escape.jpg',
      'a\\..\\..\\b.jpg',
      'nul\0.jpg',
    ];
    const list = await children(
      inMemory(
        rawZip([...unsafe.map((name) => ({ name, data: PHOTO })), { name: 'fine/photo.jpg', data: PHOTO }]),
      ),
    );
    const refused = problems(list);
    expect(refused.map((problem) => problem.code)).toEqual(unsafe.map(() => 'ARCHIVE_UNSAFE_PATH'));
    expect(refused.map((problem) => problem.reason)).toEqual([
      'absolute path "/etc/passwd"',
      'absolute drive path "C:\\\\Windows\\\\evil.dll"',
      'path traversal ("..") in "../../escape.jpg"',
      'path traversal ("..") in "a\\\\..\\\\..\\\\b.jpg"',
      'NUL byte in entry name "nul\\u0000.jpg"',
    ]);
    expect(refused[4]?.pathKey).toEqual(Buffer.from('/case/seized.zip!/nul\0.jpg'));
    expect(entries(list).map((child) => child.source.displayPath)).toEqual([
      '/case/seized.zip!/fine/photo.jpg',
    ]);
  });

  it('reports a NUL byte in a name marked UTF-8 as well', async () => {
    const list = await children(inMemory(rawZip([{ name: 'x\0.jpg', data: PHOTO, utf8: true }])));
    expect(list).toHaveLength(1);
    expect(list[0]?.kind).toBe('problem');
    const [problem] = problems(list);
    expect(problem?.code).toBe('ARCHIVE_UNSAFE_PATH');
    expect(problem?.reason).toMatch(/^NUL byte in entry name/);
  });

  it('does not open an archive nested deeper than maxDepth', async () => {
    const bytes = rawZip([{ name: 'inside.jpg', data: PHOTO }]);
    const archive = inMemory(bytes, '/case/a.zip!/b.zip!/c.zip', 3);
    const list = await children(archive, new ArchiveBudget({ ...LIMITS, maxDepth: 3 }));
    expect(list).toEqual([
      {
        kind: 'problem',
        displayPath: '/case/a.zip!/b.zip!/c.zip!/',
        pathKey: Buffer.from('/case/a.zip!/b.zip!/c.zip!/'),
        code: 'ARCHIVE_LIMIT',
        reason: 'archives nested more than 3 deep are not opened',
      },
    ]);
    // One level less is still opened.
    const shallower = inMemory(bytes, '/case/a.zip!/b.zip', 2);
    expect(entries(await children(shallower, new ArchiveBudget({ ...LIMITS, maxDepth: 3 })))).toHaveLength(1);
  });

  it('reports a nested archive too large to hold in memory (no bytes, no file) as stored but not opened', async () => {
    const nested = bufferSource(
      '/case/outer.zip!/huge.zip',
      Buffer.from('/case/outer.zip!/huge.zip'),
      Buffer.alloc(0),
      NO_TIMES,
      1,
      null,
    );
    const list = await children({ source: nested, sha256: sha256(Buffer.alloc(0)), bytes: undefined });
    expect(list).toEqual([
      {
        kind: 'problem',
        displayPath: '/case/outer.zip!/huge.zip!/',
        pathKey: Buffer.from('/case/outer.zip!/huge.zip!/'),
        code: 'ARCHIVE_LIMIT',
        reason: `archive above ${LIMITS.nestedMaxBytes} bytes that is not a file on disk is stored but not opened`,
      },
    ]);
  });

  it('reports an entry that expands too much and goes on; stops at the entry limit', async () => {
    const bomb = Buffer.alloc(4 * MIB); // zeros deflate about 1000:1
    const list = await children(
      inMemory(
        rawZip([
          { name: 'bomb.bin', data: bomb, deflate: true },
          { name: 'one.txt', data: NOTE },
          { name: 'two.txt', data: NOTE },
          { name: 'three.txt', data: NOTE },
        ]),
      ),
      new ArchiveBudget({ ...LIMITS, maxRatio: 100, maxEntries: 2 }),
    );
    expect(
      list.map((child) =>
        child.kind === 'entry' ? child.source.displayPath : `${child.code} ${child.displayPath}`,
      ),
    ).toEqual([
      'ARCHIVE_LIMIT /case/seized.zip!/bomb.bin',
      '/case/seized.zip!/one.txt',
      '/case/seized.zip!/two.txt',
      'ARCHIVE_LIMIT /case/seized.zip!/three.txt',
    ]);
    expect(problems(list)[0]?.reason).toMatch(
      /^entry expands \d+:1 \(4194304 bytes from \d+\), above the 100:1 limit$/,
    );
    expect(problems(list)[1]?.reason).toBe('more than 2 entries; the rest is not opened');
  });

  it('shares one budget with nested archives: the total-size limit stops the outer archive too', async () => {
    const budget = new ArchiveBudget({ ...LIMITS, maxTotalBytes: 3 * NOTE.length });
    const inner = rawZip([
      { name: 'i1.txt', data: NOTE },
      { name: 'i2.txt', data: NOTE },
    ]);
    const outer = rawZip([
      { name: 'inner.zip', data: inner },
      { name: 'after.txt', data: NOTE },
    ]);
    // inner.zip itself is larger than the whole budget: refused, stop.
    const list = await children(inMemory(outer), budget);
    expect(list.map((child) => child.kind)).toEqual(['problem']);
    expect(problems(list)[0]?.reason).toBe(
      `expands to more than ${3 * NOTE.length} bytes in total; the rest is not opened`,
    );

    const roomy = new ArchiveBudget({ ...LIMITS, maxTotalBytes: inner.length + 2 * NOTE.length });
    const outerList = await children(inMemory(outer, '/case/outer.zip'), roomy);
    const innerEntry = entries(outerList).find((child) => child.source.displayPath.endsWith('inner.zip'));
    expect(innerEntry?.content?.equals(inner)).toBe(true);
    // Opening the nested archive with the same budget: one entry fits, the second is over the total.
    const nested = await children(
      { source: innerEntry!.source, sha256: sha256(inner), bytes: innerEntry!.content },
      roomy,
    );
    expect(nested.map((child) => child.kind)).toEqual(['entry', 'problem']);
    expect(entries(nested)[0]?.source.displayPath).toBe('/case/outer.zip!/inner.zip!/i1.txt');
    expect(entries(nested)[0]?.source.pathKey).toEqual(Buffer.from('/case/outer.zip!/inner.zip!/i1.txt'));
    expect(entries(nested)[0]?.source.depth).toBe(2);
    expect(entries(nested)[0]?.source.containerSha256).toEqual(sha256(inner));
  });
});

describe('zipChildren on damaged archives', () => {
  it('reports bytes that are not a zip as one ARCHIVE_CORRUPT problem', async () => {
    const list = await children(
      inMemory(Buffer.from('PK\x03\x04 but nothing else of a zip'.repeat(8)), '/case/fake.zip'),
    );
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      kind: 'problem',
      displayPath: '/case/fake.zip!/',
      pathKey: Buffer.from('/case/fake.zip!/'),
      code: 'ARCHIVE_CORRUPT',
    });
    expect(problems(list)[0]?.reason).toMatch(/^Archive is corrupt or unsupported: /);
  });

  it('reports a truncated archive on disk as one problem', async () => {
    const whole = plainArchive();
    const archive = onDisk(whole.subarray(0, whole.length - 30));
    expect(statSync(archive.source.filePath!.toString()).size).toBe(whole.length - 30);
    const list = await children(archive);
    expect(list.map((child) => child.kind)).toEqual(['problem']);
    expect(problems(list)[0]?.code).toBe('ARCHIVE_CORRUPT');
  });

  it('yields the entries before a stored entry whose sizes disagree, then reports the archive as corrupt', async () => {
    const list = await children(
      inMemory(
        rawZip([
          { name: 'good.txt', data: NOTE },
          { name: 'liar.txt', data: NOTE, declaredSize: NOTE.length + 5 },
          { name: 'never.txt', data: NOTE },
        ]),
      ),
    );
    expect(list.map((child) => child.kind)).toEqual(['entry', 'problem']);
    expect(problems(list)[0]?.code).toBe('ARCHIVE_CORRUPT');
    expect(problems(list)[0]?.reason).toMatch(/size mismatch/);
  });

  for (const [label, declaredSize, message] of [
    ['larger', PHOTO.length + 100, /not enough bytes/],
    ['smaller', PHOTO.length - 100, /too many bytes/],
  ] as const) {
    it(`fails the entry stream when the content is ${label} than its declared size`, async () => {
      const list = await children(
        inMemory(
          rawZip([
            { name: 'liar.jpg', data: PHOTO, deflate: true, declaredSize },
            { name: 'after.txt', data: NOTE },
          ]),
        ),
      );
      const [liar, after] = entries(list);
      expect(liar?.source.declaredSize).toBe(declaredSize);
      expect(liar?.content).toBeUndefined();
      expect(liar?.readError).toBeInstanceOf(Error);
      expect((liar?.readError as Error).message).toMatch(message);
      // The lie is confined to that entry.
      expect(after?.content?.equals(NOTE)).toBe(true);
    });
  }
});

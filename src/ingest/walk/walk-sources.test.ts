import { spawn, execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { walkSources, type WalkEntry } from '#haven/ingest/walk/walk-sources.js';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { tempDir } from '../../../test/support/temp-dir.js';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { REPO_ROOT } from '../../../test/support/shared-data.js';

async function walk(sources: readonly string[], timeoutMs = 5_000): Promise<WalkEntry[]> {
  const entries: WalkEntry[] = [];
  const done = (async () => {
    for await (const entry of walkSources(sources)) {
      entries.push(entry);
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`walk did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    await Promise.race([done, timeout]);
  } finally {
    clearTimeout(timer);
  }
  return entries;
}

/** Paths relative to `root`, for readable assertions. */
function relative(root: string, entries: readonly WalkEntry[]): string[] {
  return entries.map((entry) => path.relative(root, entry.displayPath));
}

function files(entries: readonly WalkEntry[]): WalkEntry[] {
  return entries.filter((entry) => entry.problem === undefined);
}

function problems(entries: readonly WalkEntry[]): WalkEntry[] {
  return entries.filter((entry) => entry.problem !== undefined);
}

function write(file: string, content = 'x'): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

describe('walkSources: order and recursion', () => {
  it('yields files in byte order of their names, whatever order they were created in', async () => {
    const root = tempDir('haven-walk-');
    for (const name of ['b', 'é', 'a', '_', 'B', '9', '10', 'a b', 'ab']) {
      write(path.join(root, name));
    }
    const first = relative(root, await walk([root]));
    // Bytes, not locale: digits < upper case < '_' < lower case, a prefix first, ' ' (0x20) before 'b', 'é' (0xc3) last.
    expect(first).toEqual(['10', '9', 'B', '_', 'a', 'a b', 'ab', 'b', 'é']);
    expect(relative(root, await walk([root]))).toEqual(first);
  });

  it('descends into folders depth first, each folder at its name position', async () => {
    const root = tempDir('haven-walk-');
    write(path.join(root, 'c.jpg'));
    write(path.join(root, 'a.jpg'));
    write(path.join(root, 'b', 'z.jpg'));
    write(path.join(root, 'b', 'deeper', 'still', 'x.jpg'));
    write(path.join(root, 'b', 'a.jpg'));
    mkdirSync(path.join(root, 'empty'));
    expect(relative(root, await walk([root]))).toEqual([
      'a.jpg',
      'b/a.jpg',
      'b/deeper/still/x.jpg',
      'b/z.jpg',
      'c.jpg',
    ]);
  });

  it('reports size and times, and uses the absolute path bytes as pathKey', async () => {
    const root = tempDir('haven-walk-');
    write(path.join(root, 'five.bin'), '12345');
    const [entry] = await walk([path.relative(process.cwd(), path.join(root, 'five.bin'))]);
    expect(entry?.problem).toBeUndefined();
    expect(entry?.size).toBe(5);
    expect(entry?.pathKey.equals(Buffer.from(path.join(root, 'five.bin')))).toBe(true);
    expect(entry?.displayPath).toBe(path.join(root, 'five.bin'));
    expect(entry?.times.modifiedAt?.getTime()).toBe(statSync(path.join(root, 'five.bin')).mtime.getTime());
  });

  it('walks several sources in the order given', async () => {
    const root = tempDir('haven-walk-');
    write(path.join(root, 'one', 'x'));
    write(path.join(root, 'two', 'y'));
    write(path.join(root, 'loose'));
    const sources = [path.join(root, 'two'), path.join(root, 'loose'), path.join(root, 'one')];
    expect(relative(root, await walk(sources))).toEqual(['two/y', 'loose', 'one/x']);
  });

  it('reports a missing source instead of failing', async () => {
    const root = tempDir('haven-walk-');
    const entries = await walk([path.join(root, 'nope')]);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.problem).toEqual({ code: 'INPUT_UNREADABLE', reason: 'no such file or directory' });
  });
});

describe('walkSources: symbolic links', () => {
  it('follows a link to a file and keeps the link path as the occurrence', async () => {
    const root = tempDir('haven-walk-');
    const outside = tempDir('haven-walk-outside-');
    write(path.join(outside, 'target.jpg'), 'target bytes');
    symlinkSync(path.join(outside, 'target.jpg'), path.join(root, 'link.jpg'));
    const entries = await walk([root]);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.problem).toBeUndefined();
    expect(entries[0]?.displayPath).toBe(path.join(root, 'link.jpg'));
    expect(entries[0]?.size).toBe('target bytes'.length);
  });

  it('follows a link to a folder outside the sources, once', async () => {
    const root = tempDir('haven-walk-');
    const outside = tempDir('haven-walk-outside-');
    write(path.join(outside, 'p1.jpg'));
    write(path.join(outside, 'sub', 'p2.jpg'));
    symlinkSync(outside, path.join(root, 'linked'));
    write(path.join(root, 'own.jpg'));
    expect(relative(root, await walk([root]))).toEqual(['linked/p1.jpg', 'linked/sub/p2.jpg', 'own.jpg']);
  });

  it('walks a folder reached through two links only once (through the first in byte order)', async () => {
    const root = tempDir('haven-walk-');
    const outside = tempDir('haven-walk-outside-');
    write(path.join(outside, 'shared.jpg'));
    symlinkSync(outside, path.join(root, 'link-b'));
    symlinkSync(outside, path.join(root, 'link-a'));
    const entries = await walk([root]);
    expect(relative(root, entries)).toEqual(['link-a/shared.jpg']);
    expect(problems(entries)).toEqual([]);
  });

  it('walks a folder given twice (as source and through a link) only once', async () => {
    const root = tempDir('haven-walk-');
    const outside = tempDir('haven-walk-outside-');
    write(path.join(outside, 'once.jpg'));
    symlinkSync(outside, path.join(root, 'link'));
    const entries = await walk([outside, root, outside]);
    expect(entries.map((entry) => entry.displayPath)).toEqual([path.join(outside, 'once.jpg')]);
  });

  it('reports a link back to an ancestor folder as a loop and walks everything else', async () => {
    const root = tempDir('haven-walk-');
    write(path.join(root, 'a', 'b', 'file.jpg'));
    symlinkSync(root, path.join(root, 'a', 'b', 'up-to-root'));
    symlinkSync('..', path.join(root, 'a', 'parent'));
    const entries = await walk([root]);
    expect(relative(root, files(entries))).toEqual(['a/b/file.jpg']);
    const loops = problems(entries);
    expect(relative(root, loops)).toEqual(['a/b/up-to-root', 'a/parent']);
    expect(loops[0]?.problem?.code).toBe('INPUT_UNREADABLE');
    expect(loops[0]?.problem?.reason).toBe(`symbolic link loop (points back to ${root})`);
    expect(loops[1]?.problem?.reason).toBe(`symbolic link loop (points back to ${root})`);
  });

  it('reports a link to itself (ELOOP) as a loop', async () => {
    const root = tempDir('haven-walk-');
    symlinkSync('self', path.join(root, 'self'));
    write(path.join(root, 'z.jpg'));
    const entries = await walk([root]);
    expect(relative(root, entries)).toEqual(['self', 'z.jpg']);
    expect(entries[0]?.problem).toEqual({ code: 'INPUT_UNREADABLE', reason: 'symbolic link loop' });
    expect(entries[1]?.problem).toBeUndefined();
  });

  it('reports a dangling link as broken', async () => {
    const root = tempDir('haven-walk-');
    symlinkSync(path.join(root, 'gone.jpg'), path.join(root, 'dangling.jpg'));
    const entries = await walk([root]);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.problem).toEqual({
      code: 'INPUT_UNREADABLE',
      reason: 'broken symbolic link (target missing)',
    });
    expect(entries[0]?.size).toBe(0);
  });
});

describe('walkSources: special files', () => {
  it('reports a named pipe without opening it (the walk does not hang)', async () => {
    const root = tempDir('haven-walk-');
    execFileSync('mkfifo', [path.join(root, 'pipe')]);
    write(path.join(root, 'q.jpg'));
    // Opening a FIFO for reading blocks until a writer appears: a walk that opened it would time out.
    const entries = await walk([root], 3_000);
    expect(relative(root, entries)).toEqual(['pipe', 'q.jpg']);
    expect(entries[0]?.problem).toEqual({
      code: 'INPUT_UNREADABLE',
      reason: 'not a regular file (named pipe); not read',
    });
  });

  it('reports a socket and a link to a device as special files', async () => {
    const root = tempDir('haven-walk-');
    const socketPath = path.join(root, 'sock');
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      symlinkSync('/dev/null', path.join(root, 'null-link'));
      const entries = await walk([root]);
      expect(relative(root, entries)).toEqual(['null-link', 'sock']);
      expect(entries[0]?.problem?.reason).toBe('not a regular file (device); not read');
      expect(entries[1]?.problem?.reason).toBe('not a regular file (socket); not read');
    } finally {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    }
  });
});

describe('walkSources: names', () => {
  it('keeps non-UTF-8 names as raw bytes in pathKey and shows them as \\xNN', async () => {
    const root = tempDir('haven-walk-');
    // "café.jpg" in Latin-1, and a Shift-JIS name.
    const latin1 = Buffer.from('caf\xe9.jpg', 'latin1');
    const sjis = Buffer.from([0x83, 0x65, 0x83, 0x58, 0x83, 0x67, 0x2e, 0x6a, 0x70, 0x67]); // "テスト.jpg"

    for (const name of [latin1, sjis]) {
      writeFileSync(Buffer.concat([Buffer.from(`${root}/`), name]), 'raw');
    }
    const entries = await walk([root]);
    expect(files(entries)).toHaveLength(2);
    // Byte order: 0x63 ('c') before 0x83.
    expect(entries[0]?.pathKey.equals(Buffer.concat([Buffer.from(`${root}/`), latin1]))).toBe(true);
    expect(entries[0]?.displayPath).toBe(`${root}/caf\\xe9.jpg`);
    expect(entries[1]?.pathKey.equals(Buffer.concat([Buffer.from(`${root}/`), sjis]))).toBe(true);
    expect(entries[1]?.displayPath).toBe(`${root}/\\x83e\\x83X\\x83g.jpg`);
    expect(entries[1]?.size).toBe(3);
  });

  it('escapes control characters in names but keeps valid UTF-8 (CJK, emoji)', async () => {
    const root = tempDir('haven-walk-');
    write(path.join(root, 'line\nbreak\x1b[2J.jpg'));
    write(path.join(root, '写真 📷.jpg'));
    const entries = await walk([root]);
    expect(entries.map((entry) => entry.displayPath)).toEqual([
      `${root}/line\\x0abreak\\x1b[2J.jpg`,
      `${root}/写真 📷.jpg`,
    ]);
    expect(entries[0]?.pathKey.equals(Buffer.from(path.join(root, 'line\nbreak\x1b[2J.jpg')))).toBe(true);
  });

  it('walks folders with non-UTF-8 names too', async () => {
    const root = tempDir('haven-walk-');
    const folder = Buffer.concat([Buffer.from(`${root}/`), Buffer.from([0xff, 0xfe])]);
    mkdirSync(folder);
    writeFileSync(Buffer.concat([folder, Buffer.from('/inside.jpg')]), 'x');
    const entries = await walk([root]);
    expect(entries.map((entry) => entry.displayPath)).toEqual([`${root}/\\xff\\xfe/inside.jpg`]);
    expect(entries[0]?.pathKey.equals(Buffer.concat([folder, Buffer.from('/inside.jpg')]))).toBe(true);
  });
});

/** Runs the compiled walker in a child process as `nobody`, printing one JSON line per entry. */
function walkAsNobody(
  source: string,
): Promise<{ code: number | null; entries: WalkEntry[]; stderr: string }> {
  const moduleUrl = pathToFileURL(path.join(REPO_ROOT, 'dist/src/ingest/walk/walk-sources.js')).href;
  const script = `
    const { walkSources } = await import(${JSON.stringify(moduleUrl)});
    for await (const entry of walkSources([process.argv[1]])) {
      process.stdout.write(JSON.stringify({ displayPath: entry.displayPath, problem: entry.problem }) + '\\n');
    }`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, source], {
      uid: 65534,
      gid: 65534,
      cwd: '/',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      const entries = stdout
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as WalkEntry);
      resolve({ code, entries, stderr });
    });
  });
}

describe('walkSources: permissions', () => {
  it('reports an unreadable folder as "permission denied" and walks its siblings', async () => {
    const root = tempDir('haven-walk-');
    write(path.join(root, 'a.jpg'));
    write(path.join(root, 'locked', 'hidden.jpg'));
    write(path.join(root, 'z.jpg'));
    chmodSync(path.join(root, 'locked'), 0o000);
    try {
      if (process.getuid?.() === 0) {
        // root reads everything: walk as an unprivileged user with the compiled module.
        chmodSync(root, 0o755);
        for (const file of ['a.jpg', 'z.jpg']) {
          chmodSync(path.join(root, file), 0o644);
        }
        const { code, entries, stderr } = await walkAsNobody(root);
        expect(stderr).toBe('');
        expect(code).toBe(0);
        expect(entries.map((entry) => [path.relative(root, entry.displayPath), entry.problem])).toEqual([
          ['a.jpg', undefined],
          ['locked', { code: 'INPUT_UNREADABLE', reason: 'permission denied' }],
          ['z.jpg', undefined],
        ]);
      } else {
        const entries = await walk([root]);
        expect(relative(root, entries)).toEqual(['a.jpg', 'locked', 'z.jpg']);
        expect(entries[1]?.problem).toEqual({ code: 'INPUT_UNREADABLE', reason: 'permission denied' });
      }
    } finally {
      chmodSync(path.join(root, 'locked'), 0o755);
    }
  });
});

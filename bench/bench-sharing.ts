/**
 * Hash-sharing benchmark. Prints JSON lines:
 *  1. `vics-parse`: the streaming VICS reader + record validation over a generated file of N records
 *     (default 1,000,000), records/s and RSS sampled every second, against the native JSON.parse of
 *     a slice of the same file (baseline: what loading the whole file at once would cost, per record).
 *  2. `vics-import`: the same file imported into a fresh embedded database (one transaction), records/s
 *     and RSS samples, with its ratio to parsing alone.
 *  3. `provider-match`: 10,000-hash batches (MD5, SHA-1 and PDQ, a third each, half of them held)
 *     against M held hashes per type (default 10,000,000) in the in-memory tables and PDQ index the
 *     provider matcher uses; baseline: the same PDQ queries by brute force on a sample.
 *  4. `hash-set-add`: adding a set of K hashes per type (default 100,000) to M held. Old path (the
 *     matcher before per-set building): rebuild tables and PDQ index over all M + K. New path: build
 *     the K alone and query it beside the kept M (HeldGroup); the same probes must give the same hits.
 *
 *   npm run bench:sharing [-- --records 1000000 --held 10000000 --added 100000 --skip-import --skip-vics --skip-provider]
 */
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { systemActor } from '#haven/access/actor.js';
import { migrate } from '#haven/platform/db/migrate.js';
import { MIGRATIONS } from '#haven/platform/db/migrations/index.js';
import { openPgliteDatabase } from '#haven/platform/db/pglite-database.js';
import { hashSetImportService } from '#haven/sharing/hash-set-import.service.js';
import { HeldGroup } from '#haven/sharing/hash-list/held-group.js';
import { HeldHashes } from '#haven/sharing/hash-list/held-hashes.js';
import { matchHashes, type ProviderHash } from '#haven/sharing/provider/provider-match.js';
import { readVics } from '#haven/sharing/vics/vics-reader.js';
import { parseVicsMedia } from '#haven/sharing/vics/vics-record.js';
import { PdqFlatIndex } from '#haven/signals/pdq/flat-index.js';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1]! : fallback;
}

const round = (x: number, digits = 3): number => Math.round(x * 10 ** digits) / 10 ** digits;
const mib = (bytes: number): number => round(bytes / 2 ** 20, 1);

/** RSS every second while `work` runs: the figure that must stay flat for a streaming import. */
async function sampled<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number; rssMiB: number[] }> {
  const samples: number[] = [mib(process.memoryUsage().rss)];
  const timer = setInterval(() => samples.push(mib(process.memoryUsage().rss)), 1000);
  const start = process.hrtime.bigint();
  try {
    const result = await work();
    return { result, seconds: Number(process.hrtime.bigint() - start) / 1e9, rssMiB: samples };
  } finally {
    clearInterval(timer);
    samples.push(mib(process.memoryUsage().rss));
  }
}

function record(i: number): string {
  const seed = String(i);
  const md5 = createHash('md5').update(seed).digest('hex').toUpperCase();
  const sha1 = createHash('sha1').update(seed).digest('hex').toUpperCase();
  const pdq = createHash('sha256').update(`pdq${seed}`).digest('hex');
  return JSON.stringify({
    MediaID: i + 1,
    Category: i % 6,
    MD5: md5,
    SHA1: sha1,
    MediaSize: 1000 + i,
    MimeType: 'image/jpeg',
    VictimIdentified: 'false',
    IsDistributed: 'true',
    IsPrecategorized: 'true',
    AlternativeHashes: [{ HashName: 'PDQ', HashValue: pdq }],
  });
}

async function writeFile(file: string, records: number): Promise<void> {
  const out = createWriteStream(file);
  out.write(
    '{"@odata.context":"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media","value":[\n',
  );
  for (let i = 0; i < records; i += 1) {
    if (!out.write(`${i === 0 ? '' : ',\n'}${record(i)}`)) {
      await once(out, 'drain');
    }
  }
  out.end('\n]}\n');
  await once(out, 'finish');
}

async function parseOnly(file: string): Promise<number> {
  let count = 0;
  for await (const events of readVics(createReadStream(file, { highWaterMark: 256 * 1024 }))) {
    for (const event of events) {
      if (event.kind === 'media') {
        parseVicsMedia(event.record, event.recordNumber, 'us');
        count += 1;
      }
    }
  }
  return count;
}

function nativeBaseline(records: number): number {
  const text = `{"value":[${Array.from({ length: records }, (_, i) => record(i)).join(',')}]}`;
  const start = process.hrtime.bigint();
  const parsed = JSON.parse(text) as { value: unknown[] };
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return parsed.value.length / seconds;
}

async function benchImport(work: string, records: number, skipImport: boolean): Promise<void> {
  const file = path.join(work, 'generated.json');
  await writeFile(file, records);
  const bytes = statSync(file).size;
  const native = nativeBaseline(Math.min(records, 100_000));
  const parse = await sampled(() => parseOnly(file));
  const parseRate = parse.result / parse.seconds;
  console.log(
    JSON.stringify({
      bench: 'vics-parse',
      records: parse.result,
      fileMiB: mib(bytes),
      seconds: round(parse.seconds),
      recordsPerSecond: Math.round(parseRate),
      megabytesPerSecond: round(bytes / 2 ** 20 / parse.seconds, 1),
      peakRssMiB: Math.max(...parse.rssMiB),
      rssSamplesMiB: parse.rssMiB,
      baselineNativeJsonParseRecordsPerSecond: Math.round(native),
      ratioToNativeJsonParse: round(parseRate / native),
    }),
  );
  if (skipImport) {
    return;
  }
  const db = await openPgliteDatabase(path.join(work, 'db'));
  try {
    await migrate(db, MIGRATIONS);
    const run = await sampled(() =>
      hashSetImportService.importFile(db, file, {
        name: 'bench',
        purpose: 'known',
        source: 'generated',
        licence: null,
        trust: 'verified',
        providerShared: true,
        mode: 'replace',
        dryRun: false,
        bestEffort: false,
        baseline: false,
        actor: systemActor('bench'),
      }),
    );
    console.log(
      JSON.stringify({
        bench: 'vics-import',
        records: run.result.records,
        added: run.result.added,
        seconds: round(run.seconds),
        recordsPerSecond: Math.round(run.result.records / run.seconds),
        peakRssMiB: Math.max(...run.rssMiB),
        rssSamplesMiB: run.rssMiB,
        ratioToParseOnly: round(run.result.records / run.seconds / parseRate),
      }),
    );
  } finally {
    await db.close();
  }
}

function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let at = 0; at < length; at += 1 << 24) {
    randomFillSync(out, at, Math.min(1 << 24, length - at));
  }
  return out;
}

function benchMatch(held: number): void {
  const start = process.hrtime.bigint();
  const md5 = randomBytes(held * 16);
  const sha1 = randomBytes(held * 20);
  const pdq = randomBytes(held * 32);
  const table = HeldHashes.uniform({
    count: held,
    md5,
    sha1,
    pdq,
    info: { classification: 'csam' as const, baseline: false },
  });
  const buildSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  const batch: ProviderHash[] = [];
  const hex = (bytes: Uint8Array, i: number, size: number): string =>
    Buffer.from(bytes.subarray(i * size, (i + 1) * size)).toString('hex');
  const fresh = randomBytes(10_000 * 32);
  for (let i = 0; i < 10_000; i += 1) {
    const heldOne = i % 2 === 0;
    const at = (i * 7919) % held;
    const kind = i % 3;
    if (kind === 0) {
      batch.push({ type: 'md5', value: heldOne ? hex(md5, at, 16) : hex(fresh, i, 16) });
    } else if (kind === 1) {
      batch.push({ type: 'sha1', value: heldOne ? hex(sha1, at, 20) : hex(fresh, i, 20) });
    } else {
      const value = Buffer.from(
        heldOne ? pdq.subarray(at * 32, at * 32 + 32) : fresh.subarray(i * 32, i * 32 + 32),
      );
      value[0]! ^= 0b1011; // a near copy: 3 bits away
      batch.push({ type: 'pdq', value: value.toString('hex') });
    }
  }
  matchHashes(table, batch.slice(0, 500), 31);
  const rounds = 3;
  let best = 0;
  let matched = 0;
  for (let r = 0; r < rounds; r += 1) {
    const t = process.hrtime.bigint();
    const results = matchHashes(table, batch, 31);
    const seconds = Number(process.hrtime.bigint() - t) / 1e9;
    best = Math.max(best, batch.length / seconds);
    matched = results.filter((result) => result.result !== 'no-known-match').length;
  }
  // Baseline: the PDQ third by linear scan, on a sample (a full batch would take minutes).
  const flat = PdqFlatIndex.build({ ids: Float64Array.from({ length: held }, (_, i) => i + 1), hashes: pdq });
  const pdqQueries = batch.filter((hash) => hash.type === 'pdq').slice(0, 20);
  const t = process.hrtime.bigint();
  for (const query of pdqQueries) {
    flat.query(Buffer.from(query.value, 'hex'), 31);
  }
  const flatPerSecond = pdqQueries.length / (Number(process.hrtime.bigint() - t) / 1e9);
  const pdqShare = batch.filter((hash) => hash.type === 'pdq').length / batch.length;
  const baselineHashesPerSecond = flatPerSecond / pdqShare;
  console.log(
    JSON.stringify({
      bench: 'provider-match',
      heldPerType: held,
      batch: batch.length,
      matchedInBatch: matched,
      buildSeconds: round(buildSeconds),
      hashesPerSecond: Math.round(best),
      batchesPerSecond: round(best / batch.length),
      msPerBatch: round((1000 * batch.length) / best, 1),
      rssMiB: mib(process.memoryUsage().rss),
      baselineBruteForceHashesPerSecond: Math.round(baselineHashesPerSecond),
      ratioToBaseline: Math.round(best / baselineHashesPerSecond),
    }),
  );
}

function benchAddSet(held: number, added: number): void {
  const total = held + added;
  const md5 = randomBytes(total * 16);
  const sha1 = randomBytes(total * 20);
  const pdq = randomBytes(total * 32);
  const info = { classification: 'csam' as const, baseline: false };
  const seconds = (work: () => void): number => {
    const t = process.hrtime.bigint();
    work();
    return Number(process.hrtime.bigint() - t) / 1e9;
  };
  let union: HeldHashes<typeof info> | undefined;
  const oldSeconds = seconds(() => {
    union = HeldHashes.uniform({ count: total, md5, sha1, pdq, info });
  });
  // The M held before (already built and kept by the matcher), built outside the timing.
  const kept = HeldHashes.uniform({
    count: held,
    md5: md5.subarray(0, held * 16),
    sha1: sha1.subarray(0, held * 20),
    pdq: pdq.subarray(0, held * 32),
    info,
  });
  let group: HeldGroup<typeof info> | undefined;
  const newSeconds = seconds(() => {
    const part = HeldHashes.uniform({
      count: added,
      md5: md5.subarray(held * 16),
      sha1: sha1.subarray(held * 20),
      pdq: pdq.subarray(held * 32),
      info,
    });
    group = new HeldGroup([kept, part]);
  });
  // Same answers: exact and near probes from both the kept and the added part.
  let probes = 0;
  let same = 0;
  for (let i = 0; i < 2000; i += 1) {
    const at = i % 2 === 0 ? (i * 7919) % held : held + ((i * 104729) % added);
    const near = Buffer.from(pdq.subarray(at * 32, at * 32 + 32));
    near[0]! ^= 0b101;
    const md5Probe = md5.subarray(at * 16, at * 16 + 16);
    const a = [union!.exact('md5', md5Probe).length, union!.near(near, 31).length];
    const b = [group!.exact('md5', md5Probe).length, group!.near(near, 31).length];
    probes += 1;
    same += a[0] === b[0] && a[1] === b[1] && a[0]! > 0 && a[1]! > 0 ? 1 : 0;
  }
  console.log(
    JSON.stringify({
      bench: 'hash-set-add',
      heldPerType: held,
      addedPerType: added,
      oldPathFullRebuildSeconds: round(oldSeconds),
      newPathAddedSetOnlySeconds: round(newSeconds),
      ratioToOldPath: round(oldSeconds / newSeconds),
      probes,
      sameHits: same,
      rssMiB: mib(process.memoryUsage().rss),
    }),
  );
}

async function main(): Promise<void> {
  const records = Number(option('records', '1000000'));
  const held = Number(option('held', '10000000'));
  const work = mkdtempSync(path.join(os.tmpdir(), 'haven-bench-sharing-'));
  try {
    if (!process.argv.includes('--skip-vics')) {
      await benchImport(work, records, process.argv.includes('--skip-import'));
    }
    if (held > 0 && !process.argv.includes('--skip-provider')) {
      benchMatch(held);
    }
    const added = Number(option('added', '100000'));
    if (held > 0 && added > 0) {
      benchAddSet(held, added);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();

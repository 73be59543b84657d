/**
 * PDQ matching benchmark: builds PdqMultiIndex over N random hashes and measures radius-31 lookups
 * single-threaded, with 2 worker threads sharing the index memory, and against a brute-force scan
 * (which also provides the ground truth for recall). Prints one JSON line per size.
 *
 *   npm run bench:match [-- --sizes 100000,1000000 --queries 4000 --hugepages]
 *
 * --hugepages re-runs the benchmark with GLIBC_TUNABLES=glibc.malloc.hugetlb=1, which makes glibc
 * (>= 2.35) ask for transparent huge pages on the big allocations behind the index's typed arrays.
 * Random probes then miss the TLB far less often; deployments can set the same variable.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomFillSync, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { PdqFlatIndex } from '#haven/signals/pdq/flat-index.js';
import { PdqMultiIndex, type PdqIndexState } from '#haven/signals/pdq/mih-index.js';

const RADIUS = 31;
const THREADS = 2;

interface WorkerInput {
  readonly state: PdqIndexState;
  readonly queries: Uint8Array;
}

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1]! : fallback;
}

/** Full GC, then a pause: V8 frees ArrayBuffer memory on a background thread after the collection. */
async function collectGarbage(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  await delay(300);
  gc();
}

function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let at = 0; at < length; at += 1 << 24) {
    randomFillSync(out, at, Math.min(1 << 24, length - at));
  }
  return out;
}

/** 90% planted neighbours (a stored hash with 0..31 bits flipped), 10% random hashes. */
function makeQueries(hashes: Uint8Array, count: number, queries: number): Uint8Array {
  const out = randomBytes(queries * 32);
  for (let i = 0; i < queries; i++) {
    if (i % 10 === 9) {
      continue;
    }
    const from = randomInt(count) * 32;
    out.set(hashes.subarray(from, from + 32), i * 32);
    const flips = randomInt(RADIUS + 1);
    const bits = new Set<number>();
    while (bits.size < flips) {
      bits.add(randomInt(256));
    }
    for (const bit of bits) {
      out[i * 32 + (bit >>> 3)]! ^= 1 << (bit & 7);
    }
  }
  return out;
}

function runQueries(index: PdqMultiIndex | PdqFlatIndex, queries: Uint8Array, count: number): number {
  let hits = 0;
  for (let i = 0; i < count; i++) {
    hits += index.query(queries.subarray(i * 32, i * 32 + 32), RADIUS).length;
  }
  return hits;
}

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

/** Worker side: a read-only view over the shared index, timed on command. */
function workerMain(): void {
  const input = workerData as WorkerInput;
  const index = PdqMultiIndex.fromShared(input.state);
  const count = input.queries.length / 32;
  runQueries(index, input.queries, count);
  parentPort!.postMessage('ready');
  parentPort!.once('message', () => {
    const start = process.hrtime.bigint();
    const hits = runQueries(index, input.queries, count);
    parentPort!.postMessage({ seconds: seconds(start), hits });
  });
}

async function threaded(index: PdqMultiIndex, queries: Uint8Array): Promise<number> {
  const shared = new Uint8Array(new SharedArrayBuffer(queries.length));
  shared.set(queries);
  const input: WorkerInput = { state: index.exportShared(), queries: shared };
  const workers = Array.from(
    { length: THREADS },
    () => new Worker(new URL(import.meta.url), { workerData: input }),
  );
  const next = (worker: Worker): Promise<unknown> =>
    new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  await Promise.all(workers.map(next));
  const start = process.hrtime.bigint();
  const done = workers.map(next);
  workers.forEach((w) => {
    w.postMessage('go');
  });
  await Promise.all(done);
  const elapsed = seconds(start);
  await Promise.all(workers.map((w) => w.terminate()));
  return (THREADS * (queries.length / 32)) / elapsed;
}

interface FaissResult {
  readonly lookupsPerSecond: number;
  readonly hits: number;
  readonly buildSeconds: number;
}

/** faiss IndexBinaryMultiHash(256, 16, 16) with nflip = 1, as python-threatexchange uses it, on one thread. */
function faissLookups(hashes: Uint8Array, queries: Uint8Array): FaissResult | { reason: string } {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import faiss'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    const detail = (probe.stderr || probe.error?.message || '').trim().split('\n').pop();
    return { reason: `python3-faiss is not importable: ${detail}` };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'haven-bench-faiss-'));
  try {
    writeFileSync(path.join(dir, 'hashes.bin'), hashes);
    writeFileSync(path.join(dir, 'queries.bin'), queries);
    const script = [
      'import faiss, json, numpy as np, sys, time',
      'faiss.omp_set_num_threads(1)',
      `h = np.fromfile(sys.argv[1] + '/hashes.bin', dtype=np.uint8).reshape(-1, 32)`,
      `q = np.fromfile(sys.argv[1] + '/queries.bin', dtype=np.uint8).reshape(-1, 32)`,
      't = time.perf_counter()',
      'index = faiss.IndexBinaryMultiHash(256, 16, 16)',
      'index.nflip = 1',
      'index.add(h)',
      'build = time.perf_counter() - t',
      'index.range_search(q[:5], 32)',
      't = time.perf_counter()',
      'lims, D, I = index.range_search(q, 32)',
      'elapsed = time.perf_counter() - t',
      'print(json.dumps({"lookupsPerSecond": len(q) / elapsed, "hits": int(lims[-1]), "buildSeconds": build}))',
    ].join('\n');
    const out = execFileSync('/usr/bin/python3', ['-c', script, dir], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    return JSON.parse(out) as FaissResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchSize(n: number, queryCount: number): Promise<Record<string, unknown>> {
  const hashes = randomBytes(n * 32);
  const ids = Float64Array.from({ length: n }, (_, i) => i + 1);
  const queries = makeQueries(hashes, n, queryCount);
  await collectGarbage();
  const rssBefore = process.memoryUsage().rss;
  let start = process.hrtime.bigint();
  const index = PdqMultiIndex.build({ ids, hashes });
  const buildSeconds = seconds(start);
  await collectGarbage();
  const rssGrowth = process.memoryUsage().rss - rssBefore;

  runQueries(index, queries, Math.min(queryCount, 200));
  const examinedBefore = index.candidatesExamined;
  let best = 0;
  for (let round = 0; round < 3; round++) {
    start = process.hrtime.bigint();
    runQueries(index, queries, queryCount);
    best = Math.max(best, queryCount / seconds(start));
  }
  const candidates = (index.candidatesExamined - examinedBefore) / (3 * queryCount);
  const threadedLookups = await threaded(index, queries);

  start = process.hrtime.bigint();
  let bytes: Uint8Array | null = index.serialize();
  const serializeSeconds = seconds(start);
  const serializedBytes = bytes.length;
  start = process.hrtime.bigint();
  let copy: PdqMultiIndex | null = PdqMultiIndex.deserialize(bytes);
  const deserializeSeconds = seconds(start);
  bytes = null;
  const sample = queries.subarray(0, 100 * 32);
  const sameAfterRoundTrip = runQueries(copy, sample, 100) === runQueries(index, sample, 100);
  copy = null;
  await collectGarbage();

  // Ground truth by a linear popcount scan for a subset of the queries.
  const truthCount = Math.max(10, Math.min(queryCount, Math.round(5e8 / n)));
  const flat = PdqFlatIndex.build({ ids, hashes });
  let expected = 0;
  let found = 0;
  let extra = 0;
  let flatSeconds = 0;
  for (let i = 0; i < truthCount; i++) {
    const q = queries.subarray(i * 32, i * 32 + 32);
    start = process.hrtime.bigint();
    const truth = new Set(flat.query(q, RADIUS).map((h) => `${h.id}:${h.distance}`));
    flatSeconds += seconds(start);
    const got = index.query(q, RADIUS).map((h) => `${h.id}:${h.distance}`);
    expected += truth.size;
    found += got.filter((hit) => truth.has(hit)).length;
    extra += got.length - got.filter((hit) => truth.has(hit)).length;
  }
  const bruteLookups = truthCount / flatSeconds;
  // faiss manages tens of lookups per second at 10M, so it gets a subset of the queries.
  const faissQueries = Math.min(queryCount, Math.max(100, Math.round(1e9 / n)));
  const faissSubset = queries.subarray(0, faissQueries * 32);
  const faiss = n <= 10_000_000 ? faissLookups(hashes, faissSubset) : { reason: 'skipped above 10M' };
  const ownHits = runQueries(index, faissSubset, faissQueries);
  return {
    n,
    hugePages: process.env.GLIBC_TUNABLES === HUGE_PAGES,
    loadAverage: round3(os.loadavg()[0]!),
    buildSeconds: round3(buildSeconds),
    layout: index.layoutSummary,
    bytesPerHash: round3(index.memoryBytes / n),
    rssGrowthBytesPerHash: round3(rssGrowth / n),
    lookupsPerSecond: Math.round(best),
    lookupsPerSecond2Threads: Math.round(threadedLookups),
    meanCandidates: Math.round(candidates),
    serializeSeconds: round3(serializeSeconds),
    deserializeSeconds: round3(deserializeSeconds),
    serializedBytesPerHash: round3(serializedBytes / n),
    sameAfterRoundTrip,
    recall: expected === 0 ? 1 : found / expected,
    extraHits: extra,
    truthQueries: truthCount,
    truthHits: expected,
    bruteForceLookupsPerSecond: round3(bruteLookups),
    speedupVsBruteForce: Math.round(best / bruteLookups),
    faiss:
      'lookupsPerSecond' in faiss
        ? {
            queries: faissQueries,
            buildSeconds: round3(faiss.buildSeconds),
            lookupsPerSecond: round3(faiss.lookupsPerSecond),
            sameHits: faiss.hits === ownHits,
            speedupVsFaiss: Math.round(best / faiss.lookupsPerSecond),
          }
        : null,
    ...('reason' in faiss ? { faissReason: faiss.reason } : {}),
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

async function main(): Promise<void> {
  const sizes = option('sizes', '1000000,10000000').split(',').map(Number);
  const queryCount = Number(option('queries', '4000'));
  for (const n of sizes) {
    console.log(JSON.stringify(await benchSize(n, queryCount)));
  }
}

const HUGE_PAGES = 'glibc.malloc.hugetlb=1';

if (!isMainThread) {
  workerMain();
} else if (process.argv.includes('--hugepages') && process.env.GLIBC_TUNABLES !== HUGE_PAGES) {
  // glibc reads its tunables at process start, so the setting needs a fresh process.
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, GLIBC_TUNABLES: HUGE_PAGES },
  });
  process.exitCode = child.status ?? 1;
} else {
  await main();
}

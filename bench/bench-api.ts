/**
 * bench:api — the HTTP API under load: CONNECTIONS concurrent clients (default 50) for SECONDS
 * (default 60), half of their requests multipart uploads of one small JPEG into an open upload
 * ingest, half hash lookups of 20 hashes (SHA-256 and PDQ, some held, some not), with an API token.
 * The server is its own process (`haven serve`) on a fresh data directory, once on the embedded
 * database and once on a private PostgreSQL server; autocannon drives it from this process. After
 * the load the upload ingest is started and its background processing timed for up to
 * BENCH_PROCESS_SECONDS (default 20; `processing.done` says whether it finished): a secondary figure.
 * Prints one JSON line per database. Every non-2xx response, timeout or connection error counts as
 * an error; any error is detailed on stderr and makes the exit code 1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import sharp from 'sharp';
import { openHaven } from '#haven/app/haven.js';
import { runIngestToCompletion } from '#haven/app/run-ingest.js';
import { caseService } from '#haven/cases/case.service.js';
import { demoSvg, type DemoTheme } from '#haven/demo/demo-pictures.js';
import { ImageAnalyser } from '#haven/ingest/analysis/image-analyser.js';
import { loadConfig } from '#haven/platform/config/load-config.js';
import { hex } from '#haven/platform/db/bytes.js';
import { silentLogger } from '#haven/platform/log/logger.js';
/* eslint-disable no-restricted-imports -- the same seeding, sign-in and PostgreSQL launcher as the tests */
import {
  ApiClient,
  bearer,
  createToken,
  expectStatus,
  seedAgency,
  seedUser,
  signIn,
} from '../test/support/api-client.js';
import { startPrivatePostgres, withDatabaseName } from '../test/support/postgres-server.js';
/* eslint-enable no-restricted-imports */

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
/** Pictures ingested before the load, so that lookups and uploads find held media. */
const HELD = Number(process.env.BENCH_HELD ?? 200);
/** How long to wait for the background processing of the uploads (the figure is a rate either way). */
const PROCESS_SECONDS = Number(process.env.BENCH_PROCESS_SECONDS ?? 20);
const POOL = 50;
const LOOKUP_BATCH = 20;
const WIDTH = 320;
const HEIGHT = 240;
const EVIDENCE_KEY = '5a'.repeat(32);
const HAVEN_BIN = fileURLToPath(new URL('../../bin/haven.js', import.meta.url));
const themes: DemoTheme[] = ['room', 'objects', 'landscape'];

type DatabaseKind = 'pglite' | 'postgres';

interface Picture {
  readonly bytes: Buffer;
  readonly sha256: string;
  readonly pdq: string;
  readonly pdqQuality: number;
}

interface Pictures {
  /** Ingested before the load (HELD of them), as files in `heldDir`. */
  readonly held: readonly Picture[];
  readonly heldDir: string;
  /** Uploaded during the load: half pixel copies of held pictures, half pictures nobody holds. */
  readonly pool: readonly Picture[];
  /** Never stored anywhere: the lookups' misses. */
  readonly unheld: readonly Picture[];
}

async function jpeg(seed: number): Promise<Buffer> {
  return sharp(Buffer.from(demoSvg(themes[seed % 3]!, seed, WIDTH, HEIGHT)))
    .jpeg({ quality: 85 })
    .toBuffer();
}

async function makePictures(dir: string): Promise<Pictures> {
  const analyser = new ImageAnalyser(os.availableParallelism());
  const picture = async (bytes: Buffer): Promise<Picture> => {
    const image = await analyser.analyse({
      bytes,
      mime: 'image/jpeg',
      maxPixels: WIDTH * HEIGHT,
      withPreviews: false,
    });
    const pdq = image.signals.find((signal) => signal.name === 'pdq');
    if (!pdq) {
      throw new Error('no PDQ hash for a generated picture');
    }
    return {
      bytes,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      pdq: hex(pdq.bytes),
      pdqQuality: pdq.quality ?? 100,
    };
  };
  const many = (count: number, first: number): Promise<Picture[]> =>
    Promise.all(Array.from({ length: count }, async (_, i) => picture(await jpeg(first + i))));
  try {
    const heldDir = path.join(dir, 'held');
    mkdirSync(heldDir);
    const held = await many(HELD, 1);
    held.forEach((item, i) => {
      writeFileSync(path.join(heldDir, `held-${String(i).padStart(4, '0')}.jpg`), item.bytes);
    });
    const fresh = await many(POOL - Math.floor(POOL / 2), 100_000);
    const copies = Array.from({ length: Math.floor(POOL / 2) }, (_, i) => held[(i * 7) % held.length]!);
    const unheld = await many(LOOKUP_BATCH, 200_000);
    return { held, heldDir, pool: [...copies, ...fresh], unheld };
  } finally {
    await analyser.close();
  }
}

/** The same JPEG with a comment segment after SOI: other bytes (SHA-256), same pixels (PDQ). */
function withComment(jpegBytes: Buffer, text: string): Buffer {
  const payload = Buffer.from(text, 'latin1');
  const header = Buffer.from([0xff, 0xfe, 0, 0]);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpegBytes.subarray(0, 2), header, payload, jpegBytes.subarray(2)]);
}

/** Lookup bodies of LOOKUP_BATCH hashes: a quarter each held SHA-256, held PDQ, unknown SHA-256, unknown PDQ. */
function lookupBodies(pictures: Pictures, count: number): string[] {
  const quarter = LOOKUP_BATCH / 4;
  return Array.from({ length: count }, (_, body) => {
    const hashes = [];
    for (let j = 0; j < quarter; j += 1) {
      const held = pictures.held[(body * quarter + j) % pictures.held.length]!;
      const other = pictures.held[(body * quarter + j + 97) % pictures.held.length]!;
      const unheld = pictures.unheld[(body + j) % pictures.unheld.length]!;
      hashes.push(
        { signal: 'sha256', value: held.sha256 },
        { signal: 'pdq', value: other.pdq, quality: other.pdqQuality },
        { signal: 'sha256', value: randomBytes(32).toString('hex') },
        { signal: 'pdq', value: unheld.pdq, quality: unheld.pdqQuality },
      );
    }
    return JSON.stringify({ hashes });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        resolve(typeof address === 'object' && address ? address.port : 0);
      });
    });
  });
}

interface ServerProcess {
  readonly url: string;
  /** What the server wrote to stderr (its warnings and errors, JSON lines). */
  readonly log: string[];
  stop(): Promise<number | null>;
}

async function startServerProcess(dataDir: string, env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [HAVEN_BIN, 'serve', '--data', dataDir, '--port', String(port)],
    { env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const log: string[] = [];
  let partial = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    log.push(...lines.filter((line) => line.trim() !== ''));
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      resolve(code);
    });
  });
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exitCode !== undefined) {
      throw new Error(`haven serve exited (${exitCode}) before it was ready:\n${log.join('\n')}`);
    }
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) {
      break;
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`haven serve not ready after 60 s:\n${log.join('\n')}`);
    }
    await sleep(100);
  }
  return {
    url,
    log,
    async stop() {
      if (exitCode === undefined) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(timer);
      }
      return exitCode ?? null;
    },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Tallies of what the server answered, by kind of request. */
interface Tally {
  uploads: number;
  lookups: number;
  bytesUploaded: number;
  lookupStatus: Record<string, number>;
  /** "upload 500" -> count, and a few bodies to show. */
  failures: Record<string, number>;
  failureBodies: string[];
}

function noteFailure(tally: Tally, kind: string, status: number, body: string): void {
  const key = `${kind} ${status}`;
  tally.failures[key] = (tally.failures[key] ?? 0) + 1;
  if (tally.failureBodies.length < 10) {
    tally.failureBodies.push(`${key}: ${body.slice(0, 500)}`);
  }
}

async function runLoad(
  url: string,
  token: string,
  ingestId: string,
  pictures: Pictures,
): Promise<{ result: autocannon.Result; tally: Tally; reqErrors: Record<string, number> }> {
  const tally: Tally = {
    uploads: 0,
    lookups: 0,
    bytesUploaded: 0,
    lookupStatus: {},
    failures: {},
    failureBodies: [],
  };
  const boundary = `haven-bench-${randomBytes(12).toString('hex')}`;
  const run = randomBytes(4).toString('hex');
  const bodies = lookupBodies(pictures, 64);
  let uploadCount = 0;
  let lookupCount = 0;
  const auth = { authorization: `Bearer ${token}` };
  let finish: (error: unknown, result: autocannon.Result) => void = () => undefined;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    finish = (error, result) => {
      if (error) {
        reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
      } else {
        resolve(result);
      }
    };
  });
  const instance = autocannon(
    {
      url,
      connections: CONNECTIONS,
      duration: SECONDS,
      requests: [
        {
          method: 'POST',
          path: `/api/v1/ingests/${ingestId}/files`,
          setupRequest: (request) => {
            uploadCount += 1;
            const name = `bench-${run}-${uploadCount}.jpg`;
            const file = withComment(
              pictures.pool[uploadCount % pictures.pool.length]!.bytes,
              `haven bench ${run} ${uploadCount}`,
            );
            const body = Buffer.concat([
              Buffer.from(
                `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n` +
                  'Content-Type: image/jpeg\r\n\r\n',
              ),
              file,
              Buffer.from(`\r\n--${boundary}--\r\n`),
            ]);
            return {
              ...request,
              headers: { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}` },
              body,
            };
          },
          onResponse: (status, body) => {
            if (status === 201) {
              tally.uploads += 1;
              const stored = JSON.parse(body) as { files: { size: number }[] };
              tally.bytesUploaded += stored.files.reduce((sum, file) => sum + file.size, 0);
            } else {
              noteFailure(tally, 'upload', status, body);
            }
          },
        },
        {
          method: 'POST',
          path: '/api/v1/lookup',
          setupRequest: (request) => {
            lookupCount += 1;
            return {
              ...request,
              headers: { ...auth, 'content-type': 'application/json' },
              body: bodies[lookupCount % bodies.length]!,
            };
          },
          onResponse: (status, body) => {
            if (status === 200) {
              tally.lookups += 1;
              for (const result of (JSON.parse(body) as { results: { status: string }[] }).results) {
                tally.lookupStatus[result.status] = (tally.lookupStatus[result.status] ?? 0) + 1;
              }
            } else {
              noteFailure(tally, 'lookup', status, body);
            }
          },
        },
      ],
    },
    (error: unknown, result: autocannon.Result) => {
      finish(error, result);
    },
  );
  const reqErrors: Record<string, number> = {};
  instance.on('reqError', (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    reqErrors[message] = (reqErrors[message] ?? 0) + 1;
  });
  const result = await finished;
  return { result, tally, reqErrors };
}

/**
 * The number of files stored in the ingest once the uploads still in flight when the load stopped
 * have landed (autocannon drops its connections, the server finishes what it had received).
 */
async function settledUploads(client: ApiClient, ingestId: string): Promise<number> {
  let last = -1;
  for (;;) {
    const files = expectStatus(await client.get<{ progress: { files: number } }>(`/ingests/${ingestId}`), 200)
      .body.progress.files;
    if (files === last) {
      return files;
    }
    last = files;
    await sleep(1000);
  }
}

/** Starts the upload ingest and waits (up to PROCESS_SECONDS) for the server to process it. */
async function timeProcessing(
  client: ApiClient,
  ingestId: string,
): Promise<{ files: number; processed: number; seconds: number; imagesPerSecond: number; done: boolean }> {
  expectStatus(await client.post(`/ingests/${ingestId}/start`), 202);
  const start = process.hrtime.bigint();
  const deadline = Date.now() + PROCESS_SECONDS * 1000;
  for (;;) {
    const ingest = expectStatus(
      await client.get<{ state: string; progress: { files: number; pending: number } }>(
        `/ingests/${ingestId}`,
      ),
      200,
    ).body;
    const done = ingest.state === 'done';
    if (done || Date.now() > deadline) {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const processed = ingest.progress.files - ingest.progress.pending;
      return {
        files: ingest.progress.files,
        processed,
        seconds: Number(seconds.toFixed(1)),
        imagesPerSecond: Number((processed / seconds).toFixed(1)),
        done,
      };
    }
    await sleep(250);
  }
}

const round = (value: number): number => Number(value.toFixed(2));

/** One full run on one database; returns whether it was clean. */
async function benchOn(
  database: DatabaseKind,
  work: string,
  pictures: Pictures,
  databaseUrl?: string,
): Promise<boolean> {
  const dataDir = path.join(work, `data-${database}`);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? os.tmpdir(),
    HAVEN_EVIDENCE_KEY: EVIDENCE_KEY,
    HAVEN_LOG_LEVEL: 'warn',
    HAVEN_LOG_FORMAT: 'json',
    HAVEN_OPERATOR: 'bench',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };

  // Setup in-process, before the server starts: the agency, an investigator, held media, a case.
  const haven = await openHaven(loadConfig({ dataDir }, env), silentLogger);
  let user;
  let caseId;
  try {
    const agency = await seedAgency(haven, { name: 'Bench Unit' });
    user = await seedUser(haven, { agencyId: agency.id, roles: ['investigator'], username: 'bench.user' });
    await runIngestToCompletion(haven, {
      caseReference: 'BENCH-HELD',
      sources: [pictures.heldDir],
      agencyId: agency.id,
    });
    caseId = (await caseService.ensure(haven.db, 'BENCH-UPLOADS', 'bench', agency.id)).id;
  } finally {
    await haven.close();
  }

  const server = await startServerProcess(dataDir, env);
  let clean = false;
  try {
    const session = new ApiClient(server.url);
    await signIn(session, user);
    const token = await createToken(session, { scopes: ['ingest.create', 'ingest.read', 'lookup.hash'] });
    const client = bearer(server.url, token);
    const ingestId = expectStatus(await client.post<{ id: string }>('/ingests', { caseId }), 201).body.id;

    const { result, tally, reqErrors } = await runLoad(server.url, token, ingestId, pictures);
    const stored = await settledUploads(client, ingestId);
    const processing = await timeProcessing(client, ingestId);
    const errors = result.errors + result.non2xx;
    console.log(
      JSON.stringify({
        bench: 'api',
        database,
        seconds: SECONDS,
        connections: CONNECTIONS,
        requests: result.requests.total,
        requestsPerSecond: round(result.requests.total / result.duration),
        latency: {
          p50: result.latency.p50,
          p90: result.latency.p90,
          p99: result.latency.p99,
          max: result.latency.max,
        },
        errors,
        non2xx: result.non2xx,
        timeouts: result.timeouts,
        uploads: tally.uploads,
        lookups: tally.lookups,
        bytesUploaded: tally.bytesUploaded,
        storedFiles: stored,
        lookupResults: tally.lookupStatus,
        heldBefore: HELD,
        processing,
        cores: os.availableParallelism(),
      }),
    );
    if (errors > 0) {
      console.error(
        JSON.stringify({
          database,
          failuresByStatus: tally.failures,
          connectionErrors: reqErrors,
          sampleBodies: tally.failureBodies,
        }),
      );
    }
    clean = errors === 0;
  } finally {
    const exitCode = await server.stop();
    // At log level warn, anything the server writes is a problem.
    const problems = server.log;
    if (problems.length > 0 || exitCode !== 0) {
      clean = false;
      console.error(
        `${database}: haven serve exited ${exitCode} and logged ${problems.length} warnings/errors:\n` +
          problems.slice(0, 20).join('\n'),
      );
    }
  }
  return clean;
}

async function onPostgres(work: string, pictures: Pictures): Promise<boolean> {
  let server;
  try {
    server = await startPrivatePostgres();
  } catch (error) {
    // Skipped only when PostgreSQL is not installed; any other failure to start it is a failure.
    const message = (error as Error).message;
    const reason = /no PostgreSQL server binaries/.test(message)
      ? 'no PostgreSQL 15+ server binaries (initdb, pg_ctl) found: bash scripts/install-system-deps.sh'
      : /system user/.test(message)
        ? message
        : undefined;
    if (reason === undefined) {
      throw error;
    }
    console.log(JSON.stringify({ bench: 'api', database: 'postgres', skipped: reason }));
    return true;
  }
  try {
    // Haven runs as an ordinary role owning its database, as in a deployment.
    const password = randomBytes(18).toString('hex');
    const admin = new pg.Client({ connectionString: server.adminUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE haven_bench LOGIN PASSWORD '${password}'`);
      await admin.query('CREATE DATABASE haven_bench OWNER haven_bench TEMPLATE template0');
    } finally {
      await admin.end();
    }
    const url = new URL(withDatabaseName(server.adminUrl, 'haven_bench'));
    url.username = 'haven_bench';
    url.password = password;
    return await benchOn('postgres', work, pictures, url.toString());
  } finally {
    server.stop();
  }
}

const work = mkdtempSync(path.join(os.tmpdir(), 'haven-bench-api-'));
let clean = false;
try {
  const pictures = await makePictures(work);
  const embedded = await benchOn('pglite', work, pictures);
  const server = await onPostgres(work, pictures);
  clean = embedded && server;
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (!clean) {
  process.exitCode = 1;
}

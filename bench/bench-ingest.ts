/**
 * bench:ingest — end-to-end ingest throughput on this machine (all cores): every hash, EXIF,
 * both previews, the encrypted store, the database and matching, for generated 1024x768 JPEGs
 * (a third of them near-duplicates of the others). The baseline, measured in the same run, is
 * sharp decoding the same files alone with as many images in flight as ingest uses.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { openHaven } from '#haven/app/haven.js';
import { runIngestToCompletion } from '#haven/app/run-ingest.js';
import { demoSvg, type DemoTheme } from '#haven/demo/demo-pictures.js';
import { loadConfig } from '#haven/platform/config/load-config.js';
import { silentLogger } from '#haven/platform/log/logger.js';

const COUNT = Number(process.env.BENCH_IMAGES ?? 300);
const themes: DemoTheme[] = ['room', 'objects', 'landscape'];

async function makeImages(dir: string): Promise<Buffer[]> {
  const originals = Math.ceil((COUNT * 2) / 3);
  const images: Buffer[] = [];
  for (let i = 0; i < COUNT; i += 1) {
    const bytes =
      i < originals
        ? await sharp(Buffer.from(demoSvg(themes[i % 3]!, 5000 + i, 1024, 768)))
            .jpeg({ quality: 90 })
            .toBuffer()
        : await sharp(images[i - originals])
            .modulate({ brightness: 1.05 })
            .jpeg({ quality: 75 })
            .toBuffer();
    images.push(bytes);
    writeFileSync(path.join(dir, `img-${String(i).padStart(5, '0')}.jpg`), bytes);
  }
  return images;
}

async function decodeOnlyRate(images: readonly Buffer[], inFlight: number): Promise<number> {
  const start = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < images.length) {
        const image = images[next]!;
        next += 1;
        await sharp(image).raw().toBuffer();
      }
    }),
  );
  return images.length / (Number(process.hrtime.bigint() - start) / 1e9);
}

const work = mkdtempSync(path.join(os.tmpdir(), 'haven-bench-ingest-'));
try {
  const source = path.join(work, 'source');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(source);
  const images = await makeImages(source);
  const config = loadConfig(
    { dataDir: path.join(work, 'data') },
    {
      HAVEN_EVIDENCE_KEY: '11'.repeat(32),
      HAVEN_LOG_LEVEL: 'warn',
    },
  );
  const haven = await openHaven(config, silentLogger);
  let ingestPerSecond = 0;
  let summary;
  try {
    const start = process.hrtime.bigint();
    const ingest = await runIngestToCompletion(haven, { caseReference: 'BENCH', sources: [source] });
    ingestPerSecond = COUNT / (Number(process.hrtime.bigint() - start) / 1e9);
    summary = await haven.ingests.summary(ingest.id);
  } finally {
    await haven.close();
  }
  sharp.concurrency(1);
  const baseline = await decodeOnlyRate(images, config.workers.ingestConcurrency);
  console.log(
    JSON.stringify({
      bench: 'ingest',
      images: COUNT,
      size: '1024x768 JPEG',
      cores: os.availableParallelism(),
      imageThreads: config.workers.imageThreads,
      ingestImagesPerSecond: Number(ingestPerSecond.toFixed(1)),
      target: 30,
      decodeOnlyPerSecond: Number(baseline.toFixed(1)),
      ratioToDecodeOnly: Number((ingestPerSecond / baseline).toFixed(3)),
      triage: { new: summary.new, near: summary.near, exact: summary.exact, error: summary.error },
    }),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}

/**
 * bench:hash — images per second on ONE core for sharp's decode alone versus Haven's whole
 * per-image hashing (decode as PDQ needs it + MD5 + SHA-1 + SHA-256 + PDQ with its 8 dihedral
 * variants, exactly what ingest computes), on the JPEGs in ../shared/testdata and on generated
 * 1024x768 JPEGs. Prints one JSON line per image set with the ratio of the two rates.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { demoSvg, type DemoTheme } from '#haven/demo/demo-pictures.js';
import { decodeForHashing } from '#haven/ingest/image/decode-image.js';
import { pdqSignal } from '#haven/signals/pdq/pdq-signal.js';

const MIN_SECONDS = Number(process.env.BENCH_SECONDS ?? 4);

// One core: libvips gets one thread and one image is in flight at a time.
sharp.concurrency(1);
sharp.cache(false);

// The same decode the hashing path makes (no colour management, alpha dropped), so the ratio is
// the cost of hashing, not of a different decode.
async function decodeOnly(bytes: Buffer): Promise<void> {
  await sharp(bytes, { ignoreIcc: true }).removeAlpha().raw().toBuffer();
}

async function decodeAndHash(bytes: Buffer): Promise<void> {
  for (const algorithm of ['md5', 'sha1', 'sha256']) {
    createHash(algorithm).update(bytes).digest();
  }
  const decoded = await decodeForHashing(bytes, 'image/jpeg', { maxPixels: 500_000_000 });
  pdqSignal.variants(decoded.image);
}

/** Runs `work` over the images repeatedly for at least MIN_SECONDS; returns images per second. */
async function rate(images: readonly Buffer[], work: (bytes: Buffer) => Promise<void>): Promise<number> {
  for (const image of images.slice(0, 3)) {
    await work(image);
  }
  let done = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < MIN_SECONDS || done < images.length) {
    await work(images[done % images.length]!);
    done += 1;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  return done / elapsed;
}

function sharedJpegs(): Buffer[] {
  const root = path.resolve(fileURLToPath(new URL('../../', import.meta.url)), '..', 'shared', 'testdata');
  const found: Buffer[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) {
        walk(full);
      } else if (/\.jpe?g$/i.test(name)) {
        found.push(readFileSync(full));
      }
    }
  };
  walk(root);
  return found;
}

async function generatedJpegs(count: number): Promise<Buffer[]> {
  const themes: DemoTheme[] = ['room', 'objects', 'landscape'];
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      sharp(Buffer.from(demoSvg(themes[i % 3]!, 1000 + i, 1024, 768)))
        .jpeg({ quality: 90 })
        .toBuffer(),
    ),
  );
}

async function measure(set: string, images: readonly Buffer[]): Promise<void> {
  const pixels = await Promise.all(
    images.map(async (image) => {
      const { width, height } = await sharp(image).metadata();
      return width * height;
    }),
  );
  const decodePerSecond = await rate(images, decodeOnly);
  const hashPerSecond = await rate(images, decodeAndHash);
  console.log(
    JSON.stringify({
      bench: 'hash',
      set,
      images: images.length,
      meanMegapixels: Number((pixels.reduce((a, b) => a + b, 0) / pixels.length / 1e6).toFixed(3)),
      cores: 1,
      decodeOnlyPerSecond: Number(decodePerSecond.toFixed(1)),
      decodeHashPdqPerSecond: Number(hashPerSecond.toFixed(1)),
      ratio: Number((hashPerSecond / decodePerSecond).toFixed(3)),
      target: 0.3,
      note: 'decode + MD5/SHA-1/SHA-256 + PDQ (8 dihedral variants) vs sharp decode alone, same run, one core',
    }),
  );
}

const testdata = sharedJpegs();
if (testdata.length > 0) {
  await measure('shared-testdata-jpegs', testdata);
} else {
  console.log(
    JSON.stringify({ bench: 'hash', set: 'shared-testdata-jpegs', skipped: '../shared/testdata not found' }),
  );
}
await measure('generated-1024x768-jpegs', await generatedJpegs(24));

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DecodedImage } from '#haven/signals/signal-type.js';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { sharedPath, readTsv } from '../../../test/support/shared-data.js';
import { pdqDct16 } from './pdq-dct.js';
import {
  pdqDihedral,
  pdqHash,
  pdqHashFromLuma,
  pdqHashNearestNeighbour512,
  resizeNearestNeighbour512,
} from './pdq-hasher.js';
import { pdqToHex } from './pdq-hex.js';
import { jaroszFilterDecimate } from './pdq-jarosz.js';
import { createJsKernels } from './pdq-kernels.js';
import { createWasmKernels } from './pdq-kernels-wasm.js';
import { lumaFromImage } from './pdq-luma.js';

const VECTORS = ['pdq', 'vectors'];

/** Binary PGM (P5) or PPM (P6) with maxval 255, as the reference vectors are stored. */
function readPnm(file: string): DecodedImage {
  const bytes = readFileSync(file);
  let pos = 0;
  const token = (): string => {
    for (;;) {
      while (pos < bytes.length && /\s/.test(String.fromCharCode(bytes[pos]!))) {
        pos++;
      }
      if (bytes[pos] !== 0x23) {
        break;
      }
      while (pos < bytes.length && bytes[pos] !== 0x0a) {
        pos++;
      }
    }
    const start = pos;
    while (pos < bytes.length && !/\s/.test(String.fromCharCode(bytes[pos]!))) {
      pos++;
    }
    return bytes.subarray(start, pos).toString('latin1');
  };
  const magic = token();
  const width = Number(token());
  const height = Number(token());
  const maxval = Number(token());
  pos++; // the single whitespace byte before the samples
  if ((magic !== 'P5' && magic !== 'P6') || maxval !== 255) {
    throw new Error(`${file}: unsupported PNM ${magic} maxval ${maxval}`);
  }
  const channels = magic === 'P5' ? 1 : 3;
  const size = width * height * channels;
  if (bytes.length - pos !== size) {
    throw new Error(`${file}: expected ${size} sample bytes, found ${bytes.length - pos}`);
  }
  return { width, height, channels, data: new Uint8Array(bytes.subarray(pos)) };
}

/** The formula-defined images of vectors/README.md. */
function buildProcedural(name: string): DecodedImage {
  const formulas: Record<
    string,
    { width: number; height: number; channels: 1 | 3; pixel: (x: number, y: number) => number[] }
  > = {
    'proc-A-2000x1500-rgb': {
      width: 2000,
      height: 1500,
      channels: 3,
      pixel: (x, y) => [
        (Math.floor((x * 255) / 1999) + ((Math.floor(x / 50) + Math.floor(y / 50)) % 2) * 60) & 255,
        (Math.floor((y * 255) / 1499) + ((x * y) >> 12)) & 255,
        ((x ^ y) >> 3) & 255,
      ],
    },
    'proc-B-1024x768-rgb': {
      width: 1024,
      height: 768,
      channels: 3,
      pixel: (x, y) => [
        ((x >> 4) * 16 + (y >> 5) * 7) & 255,
        ((x * 3 + y * 2) >> 3) & 255,
        (((x >> 6) ^ (y >> 6)) * 37) & 255,
      ],
    },
    'proc-C-4000x300-grey': {
      width: 4000,
      height: 300,
      channels: 1,
      pixel: (x, y) => [((x >> 3) ^ (y >> 2)) & 255],
    },
  };
  const formula = formulas[name];
  if (formula === undefined) {
    throw new Error(`unknown procedural image ${name}`);
  }
  const { width, height, channels, pixel } = formula;
  const data = new Uint8Array(width * height * channels);
  let o = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (const v of pixel(x, y)) {
        data[o++] = v;
      }
    }
  }
  return { width, height, channels, data };
}

const images = new Map<string, DecodedImage>();

/** `pnm/...` or `proc:NAME`, as the TSVs name them; cached because several tests use each. */
function loadImage(ref: string): DecodedImage {
  let image = images.get(ref);
  if (image === undefined) {
    image = ref.startsWith('proc:') ? buildProcedural(ref.slice(5)) : readPnm(sharedPath(...VECTORS, ref));
    images.set(ref, image);
  }
  return image;
}

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

function expectHash(actual: { hash: Uint8Array; quality: number }, hash: string, quality: string): void {
  expect({ hash: pdqToHex(actual.hash), quality: actual.quality }).toEqual({
    hash,
    quality: Number(quality),
  });
}

/** Exact float32 bits of every value, so that -0 and +0 or a 1-ulp difference both fail. */
function bits(values: Float32Array): number[] {
  return Array.from(new Uint32Array(Float32Array.from(values).buffer));
}

function parseFloats(lines: string[]): Float32Array {
  return Float32Array.from(lines.flatMap((line) => line.trim().split(/\s+/).map(Number)));
}

describe('PDQ decoder-free vectors (pnm.tsv)', () => {
  const rows = readTsv(sharedPath(...VECTORS, 'expected', 'pnm.tsv'));

  it('lists all 30 PNM files', () => {
    expect(rows).toHaveLength(30);
  });

  for (const row of rows) {
    const ref = `pnm/${row.file!}`;
    it(`${row.file!}: payload, core and tool hashes`, () => {
      const image = loadImage(ref);
      expect([image.width, image.height, image.channels]).toEqual([
        Number(row.width),
        Number(row.height),
        Number(row.channels),
      ]);
      expect(sha256(image.data)).toBe(row.payload_sha256);
      expectHash(pdqHash(image), row.core_hash!, row.core_quality!);
      expectHash(pdqHashNearestNeighbour512(image), row.tool_hash!, row.tool_quality!);
      // The luma entry point is the same pipeline.
      expectHash(
        pdqHashFromLuma(lumaFromImage(image), image.width, image.height),
        row.core_hash!,
        row.core_quality!,
      );
    });
  }
});

describe('PDQ formula-defined vectors (procedural.tsv)', () => {
  const rows = readTsv(sharedPath(...VECTORS, 'expected', 'procedural.tsv'));

  it('lists the 3 procedural images', () => {
    expect(rows).toHaveLength(3);
  });

  for (const row of rows) {
    it(`${row.name!}: payload, core and tool hashes`, () => {
      const image = loadImage(`proc:${row.name!}`);
      expect([image.width, image.height, image.channels]).toEqual([
        Number(row.width),
        Number(row.height),
        Number(row.channels),
      ]);
      expect(sha256(image.data)).toBe(row.payload_sha256);
      expectHash(pdqHash(image), row.core_hash!, row.core_quality!);
      expectHash(pdqHashNearestNeighbour512(image), row.tool_hash!, row.tool_quality!);
    });
  }
});

describe('PDQ intermediate buffers (intermediates/)', () => {
  const names = [
    'decoded-reg-test-input__labelme-subset__q0122.ppm',
    'syn-flat-100x80.ppm',
    'syn-gradient-300x200.ppm',
  ];
  for (const name of names) {
    it(`${name}: 64x64 filtered grid and 16x16 DCT, bit for bit, on both kernels`, () => {
      const lines = readFileSync(sharedPath(...VECTORS, 'expected', 'intermediates', `${name}.txt`), 'utf8')
        .split('\n')
        .filter((line) => line.length > 0);
      const [hash, quality, file] = lines[0]!.split(',');
      expect(lines[1]).toMatch(/^# 64x64/);
      expect(lines[66]).toMatch(/^# 16x16/);
      const expectedGrid = parseFloats(lines.slice(2, 66));
      const expectedDct = parseFloats(lines.slice(67, 83));
      expect(expectedGrid).toHaveLength(4096);
      expect(expectedDct).toHaveLength(256);

      const image = loadImage(file!);
      for (const kernels of [createWasmKernels()!, createJsKernels()]) {
        const grid = new Float32Array(4096);
        jaroszFilterDecimate({ kind: 'pixels', image }, grid, kernels);
        expect(bits(grid)).toEqual(bits(expectedGrid));
        const dct = new Float32Array(256);
        pdqDct16(grid, dct, kernels);
        expect(bits(dct)).toEqual(bits(expectedDct));
      }
      expectHash(pdqHash(image), hash!, quality!);
    });
  }
});

describe('PDQ dihedral vectors (dihedral.tsv, PNM and formula rows)', () => {
  const rows = readTsv(sharedPath(...VECTORS, 'expected', 'dihedral.tsv')).filter(
    (row) => row.file!.startsWith('pnm/') || row.file!.startsWith('proc:'),
  );

  it('has the 33 decoder-free rows', () => {
    expect(rows).toHaveLength(33);
  });

  for (const row of rows) {
    it(`${row.file!} ${row.pipeline!}`, () => {
      const image = loadImage(row.file!);
      const input = row.pipeline!.startsWith('tool') ? resizeNearestNeighbour512(image) : image;
      const result = pdqDihedral(input);
      const expected = ['orig', 'rot90', 'rot180', 'rot270', 'flipx', 'flipy', 'flipplus1', 'flipminus1'].map(
        (column) => row[column],
      );
      expect({ hashes: result.hashes.map(pdqToHex), quality: result.quality }).toEqual({
        hashes: expected,
        quality: Number(row.quality),
      });
    });
  }
});

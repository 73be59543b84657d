import { describe, expect, it } from 'vitest';
import { isHavenError } from '#haven/platform/errors/haven-error.js';
import type { DecodedImage } from '#haven/signals/signal-type.js';
import {
  PDQ_DIHEDRAL_NAMES,
  pdqDihedral,
  pdqHash,
  pdqHashFromLuma,
  pdqHashNearestNeighbour512,
  resizeNearestNeighbour512,
} from './pdq-hasher.js';
import { pdqDistance } from './pdq-hex.js';
import { pdqKernels } from './pdq-kernels.js';
import { lumaFromImage } from './pdq-luma.js';

function noiseImage(width: number, height: number, channels: 1 | 3, seed = 1): DecodedImage {
  const data = new Uint8Array(width * height * channels);
  let state = seed;
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = state >>> 24;
  }
  return { width, height, channels, data };
}

const popcount = (hash: Uint8Array): number => pdqDistance(hash, new Uint8Array(32));

describe('pdqHash', () => {
  it('runs on the WebAssembly kernels here', () => {
    expect(pdqKernels().kind).toBe('wasm');
  });

  it('hashes images under 5 pixels on a side to zeros with quality 0', () => {
    for (const [width, height] of [
      [4, 100],
      [100, 4],
      [1, 1],
    ] as const) {
      const image = noiseImage(width, height, 3);
      expect(pdqHash(image)).toEqual({ hash: new Uint8Array(32), quality: 0 });
      expect(pdqHashNearestNeighbour512(image)).toEqual({ hash: new Uint8Array(32), quality: 0 });
      const dihedral = pdqDihedral(image);
      expect(dihedral.quality).toBe(0);
      expect(dihedral.hashes).toEqual(PDQ_DIHEDRAL_NAMES.map(() => new Uint8Array(32)));
    }
  });

  it('sets exactly 128 bits when the coefficients are distinct', () => {
    const { hash, quality } = pdqHash(noiseImage(300, 200, 3));
    expect(hash).toHaveLength(32);
    expect(popcount(hash)).toBe(128);
    expect(quality).toBe(100);
  });

  it('agrees with pdqHashFromLuma, for RGB and grey', () => {
    for (const image of [noiseImage(211, 97, 3, 5), noiseImage(97, 211, 1, 6)]) {
      expect(pdqHashFromLuma(lumaFromImage(image), image.width, image.height)).toEqual(pdqHash(image));
    }
  });

  it('is deterministic across calls that interleave sizes', () => {
    const a = noiseImage(640, 480, 3, 7);
    const first = pdqHash(a);
    pdqHash(noiseImage(2000, 30, 1, 8));
    pdqDihedral(noiseImage(50, 60, 3, 9));
    expect(pdqHash(a)).toEqual(first);
  });

  it('rejects a buffer shorter than width*height*channels', () => {
    let caught: unknown;
    try {
      pdqHash({ width: 10, height: 10, channels: 3, data: new Uint8Array(299) });
    } catch (error) {
      caught = error;
    }
    expect(isHavenError(caught, 'INVALID_ARGUMENT')).toBe(true);
    expect(() => pdqHashFromLuma(new Float32Array(99), 10, 10)).toThrow(/needs 100/);
    expect(() => pdqHashFromLuma(new Float32Array(0), 0, 10)).toThrow(/positive integer/);
  });
});

describe('pdqDihedral', () => {
  it('lists the variants in the reference order', () => {
    expect(PDQ_DIHEDRAL_NAMES).toEqual([
      'original',
      'rotate90',
      'rotate180',
      'rotate270',
      'flipX',
      'flipY',
      'flipPlus1',
      'flipMinus1',
    ]);
  });

  it('has the plain hash and quality as its first variant (outside the 64x64 shortcut)', () => {
    const image = noiseImage(333, 222, 3, 11);
    const plain = pdqHash(image);
    const dihedral = pdqDihedral(image);
    expect(dihedral.hashes).toHaveLength(8);
    expect(dihedral.hashes[0]).toEqual(plain.hash);
    expect(dihedral.quality).toBe(plain.quality);
  });

  it('approximates the hash of the transformed pixels on a smooth image', () => {
    // With window 2 the box is asymmetric, so the variants are near (here 0 to 26 bits), not equal to,
    // the hashes of the transformed pixels, and nearer than the untransformed hash.
    const size = 256;
    const pixel = (x: number, y: number): number =>
      Math.round(127 + 60 * Math.sin(x / 23 + y / 41) + 50 * Math.cos((x * y) / 3000));
    const build = (map: (x: number, y: number) => [number, number]): DecodedImage => {
      const data = new Uint8Array(size * size);
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const [sx, sy] = map(x, y);
          data[y * size + x] = pixel(sx, sy);
        }
      }
      return { width: size, height: size, channels: 1, data };
    };
    const last = size - 1;
    const transformed = [
      build((x, y) => [x, y]),
      build((x, y) => [last - y, x]), // rotate 90 counter-clockwise
      build((x, y) => [last - x, last - y]),
      build((x, y) => [y, last - x]), // rotate 90 clockwise
      build((x, y) => [x, last - y]), // top-bottom
      build((x, y) => [last - x, y]), // mirror
      build((x, y) => [y, x]), // transpose
      build((x, y) => [last - y, last - x]), // anti-transpose
    ];
    const variants = pdqDihedral(transformed[0]!).hashes;
    transformed.forEach((image, k) => {
      const actual = pdqHash(image).hash;
      const distance = pdqDistance(variants[k]!, actual);
      expect(distance).toBeLessThanOrEqual(31);
      if (k > 0) {
        expect(distance).toBeLessThan(pdqDistance(variants[0]!, actual));
      }
    });
  });
});

describe('resizeNearestNeighbour512', () => {
  it('leaves images of at most 512x512 untouched', () => {
    const image = noiseImage(512, 300, 3);
    expect(resizeNearestNeighbour512(image)).toBe(image);
  });

  it('samples floor(x*W/512), floor(y*H/512), upscaling a short side', () => {
    const image = noiseImage(1000, 7, 3, 3);
    const resized = resizeNearestNeighbour512(image);
    expect([resized.width, resized.height, resized.channels]).toEqual([512, 512, 3]);
    for (const [x, y] of [
      [0, 0],
      [511, 511],
      [100, 300],
      [257, 73],
    ] as const) {
      const sx = Math.floor((x * 1000) / 512);
      const sy = Math.floor((y * 7) / 512);
      for (let c = 0; c < 3; c++) {
        expect(resized.data[(y * 512 + x) * 3 + c]).toBe(image.data[(sy * 1000 + sx) * 3 + c]);
      }
    }
  });
});

import type { DecodedImage, PixelSignalType, SignalValue } from '#haven/signals/signal-type.js';
import { PdqMultiIndex } from '#haven/signals/pdq/mih-index.js';
import { PDQ_DIHEDRAL_NAMES, PDQ_HASH_BYTES, pdqDihedral, pdqHash } from '#haven/signals/pdq/pdq-hasher.js';
import { pdqDistance, pdqFromHex, pdqToHex } from '#haven/signals/pdq/pdq-hex.js';

/**
 * A variant is the probe transformed; when it matches a held image, the probe is that image under
 * the inverse transform. Variants are named for that relation ("the probe is the held image
 * rotated 90°"), which is what a specialist wants to read. Only the quarter turns are not their
 * own inverse.
 */
const HELD_RELATION: Record<(typeof PDQ_DIHEDRAL_NAMES)[number], string> = {
  original: 'original',
  rotate90: 'rotate270',
  rotate180: 'rotate180',
  rotate270: 'rotate90',
  flipX: 'flipX',
  flipY: 'flipY',
  flipPlus1: 'flipPlus1',
  flipMinus1: 'flipMinus1',
};

/**
 * PDQ (Meta's perceptual hash), the full-resolution "core" pipeline, bit-exact with the reference.
 * Matching follows HMA and python-threatexchange: distance <= 31, quality >= 50.
 */
export const pdqSignal: PixelSignalType = {
  name: 'pdq',
  input: 'pixels',
  contentKinds: ['image', 'video'],
  matchKind: 'perceptual',
  byteLength: PDQ_HASH_BYTES,
  defaultThreshold: 31,
  defaultMinQuality: 50,
  pipelineVersion: 'pdq-core-1',
  hash(image: DecodedImage): SignalValue {
    const { hash, quality } = pdqHash(image);
    return { bytes: hash, quality };
  },
  variants(image: DecodedImage) {
    const dihedral = pdqDihedral(image);
    // The dihedral computation skips the 64x64 shortcut of the plain hash; only then do they differ.
    const plain = image.width === 64 && image.height === 64 ? pdqHash(image) : undefined;
    const original = plain?.hash ?? dihedral.hashes[0]!;
    return {
      value: { bytes: original, quality: plain?.quality ?? dihedral.quality },
      variants: PDQ_DIHEDRAL_NAMES.map((name, i) => ({
        name: HELD_RELATION[name],
        bytes: i === 0 ? original : dihedral.hashes[i]!,
      })),
    };
  },
  toText: pdqToHex,
  fromText: pdqFromHex,
  distance: pdqDistance,
  createIndex: () => PdqMultiIndex.build({ ids: [], hashes: new Uint8Array(0) }),
  buildIndex: (ids, values) => PdqMultiIndex.build({ ids, hashes: values }),
  deserializeIndex: (bytes) => PdqMultiIndex.deserialize(bytes),
};

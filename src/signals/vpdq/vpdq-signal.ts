import type { DecodedImage, FrameSignalType, SignalValue } from '#haven/signals/signal-type.js';
import { PdqMultiIndex } from '#haven/signals/pdq/mih-index.js';
import { PDQ_HASH_BYTES, pdqHash } from '#haven/signals/pdq/pdq-hasher.js';
import { pdqDistance, pdqFromHex, pdqToHex } from '#haven/signals/pdq/pdq-hex.js';

/**
 * vPDQ (Meta's video PDQ): the PDQ core hash of each sampled frame at its coded size. One stored
 * value per distinct frame hash of a video, in the same 256-bit space as image PDQ, so frames and
 * photos are compared with each other directly. Matching follows python-threatexchange/HMA:
 * distance <= 31, quality >= 50, a video matches when >= 80% of its distinct frames do.
 */
export const vpdqSignal: FrameSignalType = {
  name: 'vpdq',
  input: 'frames',
  contentKinds: ['video'],
  matchKind: 'perceptual',
  byteLength: PDQ_HASH_BYTES,
  defaultThreshold: 31,
  defaultMinQuality: 50,
  pipelineVersion: 'vpdq-ffmpeg-rgb24-area-1',
  hashFrame(frame: DecodedImage): SignalValue {
    const { hash, quality } = pdqHash(frame);
    return { bytes: hash, quality };
  },
  toText: pdqToHex,
  fromText: pdqFromHex,
  distance: pdqDistance,
  createIndex: () => PdqMultiIndex.build({ ids: [], hashes: new Uint8Array(0) }),
  buildIndex: (ids, values) => PdqMultiIndex.build({ ids, hashes: values }),
  deserializeIndex: (bytes) => PdqMultiIndex.deserialize(bytes),
};

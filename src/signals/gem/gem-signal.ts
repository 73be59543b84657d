import type { GlobalDescriptorSignalType } from '#haven/signals/signal-type.js';
import { describeGem, GEM_DIMENSIONS, GEM_PIPELINE } from './gem-descriptor.js';
import { FlatVectorIndex } from './flat-vector-index.js';
import { dot } from './gem-pooling.js';

/**
 * GeM-pooled CNN features (a MobileNetV3 backbone shipped in @vladmandic/human, run on
 * TensorFlow.js's WebAssembly backend) with an exact flat nearest-neighbour index.
 */
export const gemSignal: GlobalDescriptorSignalType = {
  input: 'global-descriptor',
  name: 'gem',
  contentKinds: ['image'],
  pipelineVersion: GEM_PIPELINE,
  dimensions: GEM_DIMENSIONS,
  describe: describeGem,
  similarity: (a, b) => dot(a, b),
  createIndex: () => new FlatVectorIndex(GEM_DIMENSIONS),
  deserializeIndex: (bytes) => FlatVectorIndex.deserialize(bytes),
};

import type { DecodedImage, LocalFeatureSignalType } from '#haven/signals/signal-type.js';
import {
  deserializeVocabulary,
  quantise,
  serializeVocabulary,
  trainVocabulary,
  type BinaryVocabulary,
} from './binary-vocabulary.js';
import { descriptorWords } from './descriptor-hamming.js';
import { verifyPair, type Verification, type VerifyOptions } from './geometric-verification.js';
import { InvertedFile } from './inverted-file.js';
import {
  DEFAULT_EXTRACT,
  extractOrb,
  ORB_PIPELINE,
  type LocalFeatures,
  type Region,
} from './orb-features.js';

/**
 * ORB keypoints with 256-bit descriptors (OpenCV WebAssembly), a k-majority binary vocabulary, an
 * idf-weighted inverted file for candidates, and RANSAC homographies to verify and explain them.
 */
export interface OrbSignal extends LocalFeatureSignalType {
  extract(image: DecodedImage, region?: Region | null, mirror?: boolean): Promise<LocalFeatures>;
  trainVocabulary(descriptors: Uint8Array): BinaryVocabulary;
  words(vocabulary: BinaryVocabulary, features: Pick<LocalFeatures, 'descriptors'>): Uint32Array;
  createIndex(vocabulary: BinaryVocabulary): InvertedFile;
  deserializeIndex(bytes: Uint8Array): InvertedFile;
  serializeVocabulary(vocabulary: BinaryVocabulary): Uint8Array;
  deserializeVocabulary(bytes: Uint8Array): BinaryVocabulary;
  verify(query: LocalFeatures, candidate: LocalFeatures, options: VerifyOptions): Promise<Verification>;
}

export const orbSignal: OrbSignal = {
  input: 'local-features',
  name: 'orb',
  contentKinds: ['image'],
  pipelineVersion: ORB_PIPELINE,
  extract: (image, region = null, mirror = false) => extractOrb(image, region, DEFAULT_EXTRACT, mirror),
  trainVocabulary: (descriptors) => trainVocabulary(descriptorWords(descriptors)),
  words: (vocabulary, features) => quantise(vocabulary, descriptorWords(features.descriptors)),
  createIndex: (vocabulary) => new InvertedFile(vocabulary.wordCount),
  deserializeIndex: (bytes) => InvertedFile.deserialize(bytes),
  serializeVocabulary,
  deserializeVocabulary,
  verify: verifyPair,
};

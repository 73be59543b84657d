/**
 * The one small interface every hash or match algorithm implements. Adding a signal means adding a
 * folder under src/signals/ that exports a SignalType and registering it in registry.ts.
 */

export type ContentKind = 'image' | 'video' | 'other';

/**
 * Decoded pixels as PDQ's reference sees them: 8-bit samples, row-major, interleaved, either one
 * grey channel or three RGB channels, alpha dropped, no colour management, EXIF orientation NOT
 * applied.
 */
export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly data: Uint8Array;
}

/** A hash as the store keeps it: the canonical bytes plus an optional quality score (0-100). */
export interface SignalValue {
  readonly bytes: Uint8Array;
  readonly quality: number | null;
}

/** One stored entry that an index query found within the requested distance. */
export interface IndexHit {
  readonly id: number;
  readonly distance: number;
}

/**
 * An in-memory index over one signal's stored values. Ids are the store's row ids for those values
 * (positive integers below 2^53). Indexes must return every stored value within maxDistance
 * (exact recall); callers verify nothing further.
 */
export interface SignalIndex {
  readonly size: number;
  add(id: number, value: Uint8Array): void;
  remove(id: number): void;
  query(value: Uint8Array, maxDistance: number): IndexHit[];
  serialize(): Uint8Array;
}

/** Incremental hasher over a byte stream (crypto hashes). */
export interface StreamHasher {
  update(chunk: Uint8Array): void;
  digest(): Uint8Array;
}

/** A named variant of a probe's hash (e.g. a rotated or flipped copy), queried like the original. */
export interface SignalVariant {
  /** How the probe relates to a held item this variant matches ('rotate90': the held item rotated 90°). */
  readonly name: string;
  readonly bytes: Uint8Array;
}

interface SignalTypeCommon {
  /** Stable lower-case name, used in the database, APIs and serialized indexes. */
  readonly name: string;
  readonly contentKinds: readonly ContentKind[];
  /** `exact` signals match only identical values; `perceptual` ones match within a distance. */
  readonly matchKind: 'exact' | 'perceptual';
  /** Size of a value in bytes. */
  readonly byteLength: number;
  /** Default match threshold (inclusive); 0 for exact signals. */
  readonly defaultThreshold: number;
  /** Values below this quality are neither indexed nor queried (0 when quality is not defined). */
  readonly defaultMinQuality: number;
  /** Version string of the hashing pipeline, stored with every value it produced. */
  readonly pipelineVersion: string;
  toText(bytes: Uint8Array): string;
  /** Parses the canonical text form; throws a HavenError (INVALID_HASH) on malformed input. */
  fromText(text: string): Uint8Array;
  distance(a: Uint8Array, b: Uint8Array): number;
  createIndex(): SignalIndex;
  /** Builds an index in bulk: `values` holds `ids.length` values of `byteLength` bytes, back to back. */
  buildIndex(ids: Float64Array, values: Uint8Array): SignalIndex;
  deserializeIndex(bytes: Uint8Array): SignalIndex;
}

export interface ByteStreamSignalType extends SignalTypeCommon {
  readonly input: 'bytes';
  createHasher(): StreamHasher;
}

export interface PixelSignalType extends SignalTypeCommon {
  readonly input: 'pixels';
  hash(image: DecodedImage): SignalValue;
  /** The probe's value plus its variants (e.g. the 8 dihedral transforms), first one = original. */
  variants(image: DecodedImage): { readonly value: SignalValue; readonly variants: readonly SignalVariant[] };
}

/** A signal over the frames of a video: each decoded frame hashes on its own, the video is their set. */
export interface FrameSignalType extends SignalTypeCommon {
  readonly input: 'frames';
  hashFrame(frame: DecodedImage): SignalValue;
}

export type SignalType = ByteStreamSignalType | PixelSignalType | FrameSignalType;

/**
 * Local features (keypoints and binary descriptors) for place and object search. Unlike a hash, an
 * image has a variable-size set of them, so the signal brings its own extraction, vocabulary and
 * inverted-file index instead of a fixed-length value (see signals/orb).
 */
export interface LocalFeatureSignalType {
  readonly input: 'local-features';
  readonly name: string;
  readonly contentKinds: readonly ContentKind[];
  readonly pipelineVersion: string;
}

/** A rectangle in an image's own pixels, from its top-left corner. */
export interface ImageRegion {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Nearest neighbours by cosine similarity over the unit vectors of a global-descriptor signal. */
export interface VectorIndex {
  readonly size: number;
  readonly byteSize: number;
  add(id: number, vector: Float32Array): void;
  remove(id: number): void;
  query(vector: Float32Array, limit: number): { readonly id: number; readonly similarity: number }[];
  serialize(): Uint8Array;
}

/**
 * One learned descriptor of a whole picture (or region): a fixed-length unit vector whose cosine
 * similarity says how alike two pictures look overall. It links views of a place that share too
 * few keypoints for a homography (another viewpoint, night and day), so it complements local
 * features as a second candidate source and ranking signal (see signals/gem).
 */
export interface GlobalDescriptorSignalType {
  readonly input: 'global-descriptor';
  readonly name: string;
  readonly contentKinds: readonly ContentKind[];
  readonly pipelineVersion: string;
  readonly dimensions: number;
  describe(image: DecodedImage, region?: ImageRegion | null, mirror?: boolean): Promise<Float32Array>;
  /** Cosine similarity of two descriptors, -1 to 1. */
  similarity(a: Float32Array, b: Float32Array): number;
  createIndex(): VectorIndex;
  /** Throws a HavenError (INDEX_CORRUPT) on damaged bytes. */
  deserializeIndex(bytes: Uint8Array): VectorIndex;
}

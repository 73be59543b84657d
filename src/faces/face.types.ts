/** A rectangle in pixels of the original image, from its top-left corner. */
export interface FaceBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** One face as the engine found it. */
export interface DetectedFace {
  readonly box: FaceBox;
  /** The detector's confidence that this is a face, 0..1. */
  readonly score: number;
  /** How far the embedding can be trusted (face size and sharpness), 0..1. */
  readonly quality: number;
  /** Unit-length face embedding (cosine similarity = dot product). */
  readonly embedding: Float32Array;
}

/** A stored face. */
export interface FaceRecord extends DetectedFace {
  readonly id: number;
  readonly mediaId: string;
  readonly sha256: Uint8Array;
  /** The video keyframe the face is on (box in that picture's pixels); null for an image. */
  readonly framePosition: number | null;
}

/** A detected face and the picture of the medium it was found on. */
export interface PlacedFace extends DetectedFace {
  readonly framePosition: number | null;
}

export type SuggestionState = 'open' | 'accepted' | 'rejected';

export interface SuggestionRecord {
  readonly id: number;
  readonly faceId: number;
  readonly otherFaceId: number;
  readonly mediaId: string;
  readonly otherMediaId: string;
  readonly seriesId: string;
  readonly otherSeriesId: string;
  readonly score: number;
  readonly state: SuggestionState;
  readonly decidedBy: string | null;
  readonly decidedAt: Date | null;
  readonly createdAt: Date;
}

export interface FaceSettings {
  readonly agencyId: string;
  readonly enabled: boolean;
  readonly updatedBy: string | null;
  readonly updatedAt: Date | null;
}

/** One hit of a face search: a held face and how close it is to the query's face. */
export interface FaceHit {
  readonly faceId: number;
  readonly mediaId: string;
  readonly sha256: Uint8Array;
  readonly score: number;
  readonly box: FaceBox;
  /** Which face of the query image it matched (index in detection order). */
  readonly queryFace: number;
}

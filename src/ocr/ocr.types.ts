import type { Script } from '#haven/ocr/script-detect.js';

/** The text read in one medium, with the clues drawn from it. */
export interface MediaText {
  readonly mediaId: string;
  readonly text: string;
  readonly confidence: number;
  readonly words: number;
  readonly script: Script;
  readonly language: string | null;
  readonly languages: readonly string[];
  readonly engine: string;
  readonly error: string | null;
  readonly readAt: Date;
}

export interface TextHit {
  readonly mediaId: string;
  readonly sha256: Uint8Array;
  readonly rank: number;
  /** The matching passage with the hits marked «like this». */
  readonly snippet: string;
  readonly script: Script;
  readonly language: string | null;
}

export type MediaKind = 'image' | 'video' | 'archive' | 'other';
export type AnalysisState = 'done' | 'pending' | 'error';

/** What ingest learned about one content, ready to be recorded. */
export interface MediaDraft {
  readonly sha256: Uint8Array;
  readonly size: number;
  readonly mime: string;
  readonly kind: MediaKind;
  readonly format: string | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly analysisState: AnalysisState;
  readonly analysisError: string | null;
  readonly metadata: Record<string, unknown> | null;
  readonly thumbnailSha256: Uint8Array | null;
  readonly blurredSha256: Uint8Array | null;
}

export interface MediaRef {
  readonly id: string;
  readonly sha256: Uint8Array;
  readonly firstIngestId: string;
  readonly kind: MediaKind;
}

/** One occurrence of a medium: where, in which case and with which file-system times. */
export interface MediaFileDraft {
  readonly mediaId: string;
  readonly caseId: string;
  readonly ingestId: string;
  readonly sourcePath: string;
  readonly sourcePathKey: Uint8Array;
  readonly containerSha256: Uint8Array | null;
  readonly size: number;
  readonly modifiedAt: Date | null;
  readonly accessedAt: Date | null;
  readonly changedAt: Date | null;
  readonly bornAt: Date | null;
}

/** A matched medium as triage shows it. */
export interface MediaSummary extends MediaRef {
  readonly cases: readonly string[];
}

/** Everything stored about a medium (what an authorised specialist sees). */
export interface MediaDetail {
  readonly id: string;
  readonly sha256: Uint8Array;
  readonly size: number;
  readonly mime: string;
  readonly kind: MediaKind;
  readonly format: string | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly analysisState: AnalysisState;
  readonly analysisError: string | null;
  readonly metadata: Record<string, unknown> | null;
  readonly thumbnailSha256: Uint8Array | null;
  readonly blurredSha256: Uint8Array | null;
  readonly createdAt: Date;
}

export interface Occurrence {
  readonly caseId: string;
  readonly caseReference: string;
  readonly path: string;
  readonly size: number;
  readonly modifiedAt: Date | null;
  readonly recordedAt: Date;
}

/** What other capabilities need to know about a medium (series lists, clue bounds, GPS). */
export interface MediaFacts {
  readonly id: string;
  readonly sha256: Uint8Array;
  readonly size: number;
  readonly mime: string;
  readonly kind: MediaKind;
  readonly width: number | null;
  readonly height: number | null;
  /** EXIF GPS position recorded at ingest, when the image carried one. */
  readonly gps: { readonly latitude: number; readonly longitude: number } | null;
}

/** The result of an analysis done after ingest (video), applied to a medium still `pending`. */
export interface DeferredOutcome {
  readonly analysisState: 'done' | 'error';
  readonly analysisError: string | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly metadata: Record<string, unknown> | null;
  readonly thumbnailSha256: Uint8Array | null;
  readonly blurredSha256: Uint8Array | null;
}

import type { ListMatch, TriageMatch, TriageStatus } from '#haven/matching/triage.types.js';

export type IngestState = 'uploading' | 'enumerating' | 'processing' | 'done' | 'failed';
export type ItemStatus = TriageStatus | 'error';

export interface IngestRecord {
  readonly id: string;
  readonly caseId: string;
  readonly caseReference: string;
  readonly state: IngestState;
  /** 'paths': files read from disk by the command line; 'upload': files sent over HTTP. */
  readonly origin: 'paths' | 'upload';
  readonly fingerprint: string;
  readonly sources: readonly string[];
  readonly operator: string;
  readonly host: string;
  readonly toolVersion: string;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly runs: number;
}

/** One file or archive entry of an ingest with its triage outcome. */
export interface IngestItemResult {
  readonly id: number;
  readonly path: string;
  readonly sha256: string | null;
  readonly mediaId: string | null;
  readonly status: ItemStatus | null;
  readonly kind: string | null;
  readonly mime: string | null;
  readonly error: string | null;
  readonly errorCode: string | null;
  readonly matches: readonly TriageMatch[];
  readonly isArchiveEntry: boolean;
  /** Hash-set matches (known material and known-good files). */
  readonly lists?: readonly ListMatch[] | undefined;
}

export interface IngestSummary {
  readonly ingestId: string;
  readonly case: string;
  readonly state: IngestState;
  readonly operator: string;
  readonly host: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly files: number;
  readonly new: number;
  readonly exact: number;
  readonly near: number;
  readonly error: number;
  readonly pending: number;
  readonly byKind: Readonly<Record<string, number>>;
  /** Distinct contents among the files; the rest are copies of each other. */
  readonly distinctMedia: number;
  /** New images: they need a specialist's eyes first. */
  readonly newImages: number;
  /** New videos (after their analysis: not near any held medium). */
  readonly newVideos: number;
}

import type { VicsVariant } from '#haven/sharing/vics/vics-context.js';

export const HASH_SET_PURPOSES = ['known', 'known_good'] as const;
export type HashSetPurpose = (typeof HASH_SET_PURPOSES)[number];
export const TRUST_LEVELS = ['verified', 'trusted', 'unverified'] as const;
export type TrustLevel = (typeof TRUST_LEVELS)[number];
export const SET_SCHEMES = ['vics_us', 'uk', 'industry', 'none'] as const;
export type SetScheme = (typeof SET_SCHEMES)[number];

/** A hash set (bank): where its hashes came from, on what terms, how far they are trusted. */
export interface HashSet {
  readonly id: string;
  readonly name: string;
  readonly purpose: HashSetPurpose;
  readonly source: string;
  readonly licence: string | null;
  readonly trust: TrustLevel;
  readonly scheme: SetScheme;
  readonly vicsVariant: VicsVariant | null;
  readonly providerShared: boolean;
  readonly revision: number;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** Entries not removed. */
  readonly entries: number;
}

export interface HashSetDraft {
  readonly name: string;
  readonly purpose: HashSetPurpose;
  readonly source: string;
  readonly licence: string | null;
  readonly trust: TrustLevel;
  readonly scheme: SetScheme;
  readonly providerShared: boolean;
}

/** One entry as stored: hashes as bytes, everything else of the record in `record`. */
export interface EntryDraft {
  readonly mediaKey: string;
  readonly md5: Buffer | null;
  readonly sha1: Buffer | null;
  readonly sha256: Buffer | null;
  readonly pdq: Buffer | null;
  readonly category: string | null;
  readonly baseline: boolean;
  readonly record: unknown;
}

export interface StoredEntry extends EntryDraft {
  readonly id: number;
  readonly changedAt: Date;
  readonly removedAt: Date | null;
}

/** What an import did (or, in a dry run, would do). */
export interface ImportReport {
  readonly hashSet: string;
  readonly dryRun: boolean;
  readonly format: string;
  readonly version: string | null;
  readonly variant: string | null;
  readonly records: number;
  readonly added: number;
  readonly changed: number;
  readonly unchanged: number;
  readonly removed: number;
  /** Records refused in best-effort mode (the first ones are listed in `problems`). */
  readonly skipped: number;
  readonly problems: readonly string[];
  /** Embedded thumbnails (`Miniature`) found and not kept. */
  readonly miniaturesDropped: number;
  readonly cases: number;
  readonly seconds: number;
}

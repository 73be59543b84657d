/** A name/value pair as VICS writes them (`Exifs[]`, `CaseMetadata[]`). */
export interface VicsProperty {
  readonly name: string;
  readonly value: string | null;
}

/** One occurrence of a medium on a seized device (`MediaFiles[]`). */
export interface VicsMediaFile {
  readonly md5: string | null;
  readonly fileName: string | null;
  readonly filePath: string | null;
  readonly created: string | null;
  readonly written: string | null;
  readonly accessed: string | null;
  readonly unallocated: boolean | null;
  readonly deleted: boolean | null;
  readonly parentMd5: string | null;
  readonly parentFileName: string | null;
  readonly parentFilePath: string | null;
  readonly physicalLocation: string | null;
  readonly parentPhysicalLocation: string | null;
  readonly sourceId: string | null;
}

/**
 * One VICS media record as Haven holds it: hashes normalised to lower-case hex, booleans as
 * booleans, absent and empty values as null. `Miniature` (an embedded thumbnail) is deliberately
 * not held: hash sets carry hashes, never pictures.
 */
export interface VicsMedia {
  readonly mediaId: string;
  /** The category code in the file's scheme (VICS US: 0-5), null when uncategorised. */
  readonly category: string | null;
  readonly md5: string | null;
  readonly sha1: string | null;
  readonly sha256: string | null;
  readonly pdq: string | null;
  /** Held as text, never matched (PhotoDNA needs a licence Haven does not have). */
  readonly photoDna: string | null;
  readonly mediaSize: number | null;
  readonly mimeType: string | null;
  readonly relativeFilePath: string | null;
  readonly dateUpdated: string | null;
  readonly victimIdentified: boolean | null;
  readonly offenderIdentified: boolean | null;
  readonly isDistributed: boolean | null;
  readonly isPrecategorized: boolean | null;
  readonly precategorizationSource: string | null;
  readonly isSuspected: boolean | null;
  readonly selfGenerated: boolean | null;
  readonly series: string | null;
  readonly tags: string | null;
  readonly comments: string | null;
  /** INTERPOL Baseline (not a VICS field; ICSE exports carry it, and Haven's exports write it when true). */
  readonly baseline: boolean | null;
  /** Alternative hashes other than the ones held in their own fields (PDQ, SHA-256, PhotoDNA). */
  readonly alternativeHashes: readonly VicsProperty[];
  readonly exifs: readonly VicsProperty[];
  readonly mediaFiles: readonly VicsMediaFile[];
}

/** A case's own properties (a `#Cases` file), without its media. */
export interface VicsCase {
  readonly caseId: string | null;
  readonly caseNumber: string | null;
  readonly contactOrganization: string | null;
  readonly contactName: string | null;
  readonly contactPhone: string | null;
  readonly contactEmail: string | null;
  readonly contactTitle: string | null;
  readonly seizureDate: string | null;
  readonly sourceApplicationName: string | null;
  readonly sourceApplicationVersion: string | null;
  readonly caseMetadata: readonly VicsProperty[];
}

import { vicsContextUrl, type VicsVariant } from '#haven/sharing/vics/vics-context.js';
import type { VicsCase, VicsMedia, VicsMediaFile, VicsProperty } from '#haven/sharing/vics/vics.types.js';

/**
 * Writes VICS 2.0 JSON as a stream of text pieces, so that exporting a set of millions of records
 * never builds the whole document in memory. `cases` absent: a `#Media` hash-set file.
 */
export async function* writeVics(options: {
  readonly variant: VicsVariant;
  readonly case?: VicsCase | undefined;
  readonly media: AsyncIterable<readonly VicsMedia[]>;
}): AsyncGenerator<string> {
  const form = options.case ? 'Cases' : 'Media';
  yield `{"@odata.context":${JSON.stringify(vicsContextUrl(options.variant, form))},"value":[`;
  let count = 0;
  if (options.case) {
    yield `${caseHead(options.case)},"Media":[`;
  }
  let first = true;
  for await (const batch of options.media) {
    const pieces: string[] = [];
    for (const media of batch) {
      pieces.push((first ? '\n' : ',\n') + JSON.stringify(vicsMediaJson(media, options.variant)));
      first = false;
      count += 1;
    }
    if (pieces.length > 0) {
      yield pieces.join('');
    }
  }
  if (options.case) {
    yield `],"TotalMediaFiles":${count}}`;
  }
  yield '\n]}\n';
}

function caseHead(c: VicsCase): string {
  const head = JSON.stringify({
    CaseID: c.caseId,
    CaseNumber: c.caseNumber,
    ContactOrganization: c.contactOrganization,
    ContactName: c.contactName,
    ContactPhone: c.contactPhone,
    ContactEmail: c.contactEmail,
    ContactTitle: c.contactTitle,
    SeizureDate: c.seizureDate,
    SourceApplicationName: c.sourceApplicationName,
    SourceApplicationVersion: c.sourceApplicationVersion,
    CaseMetadata: c.caseMetadata.map(property),
  });
  return head.slice(0, -1);
}

/** One media record in VICS 2.0 spelling (hashes upper-case as the desktop tools write them). */
export function vicsMediaJson(media: VicsMedia, variant: VicsVariant): Record<string, unknown> {
  const alternativeHashes = [
    ...(media.sha256 ? [{ HashName: 'SHA256', HashValue: media.sha256.toUpperCase() }] : []),
    ...(media.pdq ? [{ HashName: 'PDQ', HashValue: media.pdq }] : []),
    ...media.alternativeHashes.map((hash) => ({ HashName: hash.name, HashValue: hash.value })),
  ];
  return {
    MediaID: /^[1-9]\d{0,14}$/.test(media.mediaId) ? Number(media.mediaId) : media.mediaId,
    Category:
      media.category !== null && variant === 'US' && /^[0-5]$/.test(media.category)
        ? Number(media.category)
        : media.category,
    MD5: media.md5?.toUpperCase() ?? null,
    SHA1: media.sha1?.toUpperCase() ?? null,
    PhotoDNA: media.photoDna,
    MediaSize: media.mediaSize,
    MimeType: media.mimeType,
    RelativeFilePath: media.relativeFilePath,
    DateUpdated: media.dateUpdated,
    VictimIdentified: media.victimIdentified,
    OffenderIdentified: media.offenderIdentified,
    IsDistributed: media.isDistributed,
    IsPrecategorized: media.isPrecategorized,
    PrecategorizationSource: media.precategorizationSource,
    IsSuspected: media.isSuspected,
    SelfGenerated: media.selfGenerated,
    Series: media.series,
    Tags: media.tags,
    Comments: media.comments,
    ...(media.baseline !== null ? { Baseline: media.baseline } : {}),
    AlternativeHashes: alternativeHashes,
    Exifs: media.exifs.map(property),
    MediaFiles: media.mediaFiles.map(mediaFileJson),
  };
}

function property(p: VicsProperty): Record<string, unknown> {
  return { PropertyName: p.name, PropertyValue: p.value };
}

function mediaFileJson(file: VicsMediaFile): Record<string, unknown> {
  return {
    MD5: file.md5?.toUpperCase() ?? null,
    FileName: file.fileName,
    FilePath: file.filePath,
    Created: file.created,
    Written: file.written,
    Accessed: file.accessed,
    Unallocated: file.unallocated,
    Deleted: file.deleted,
    ParentMD5: file.parentMd5?.toUpperCase() ?? null,
    ParentFileName: file.parentFileName,
    ParentFilePath: file.parentFilePath,
    PhysicalLocation: file.physicalLocation,
    ParentPhysicalLocation: file.parentPhysicalLocation,
    SourceID: file.sourceId,
  };
}

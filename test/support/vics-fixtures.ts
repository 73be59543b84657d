import { createHash } from 'node:crypto';

/**
 * VICS files written the way other tools write them (field names from the public readers and
 * writers: Griffeye-style 1.3 `#Cases`, GLEAPP-style 2.0 US, Clees4All-style 2.0 UK, national
 * portal `#Media` hash sets). Hashes are derived from a seed string: benign, deterministic values.
 */
export function hashesOf(seed: string): { md5: string; sha1: string; sha256: string; pdq: string } {
  return {
    md5: createHash('md5').update(seed).digest('hex'),
    sha1: createHash('sha1').update(seed).digest('hex'),
    sha256: createHash('sha256').update(seed).digest('hex'),
    pdq: createHash('sha256').update(`pdq:${seed}`).digest('hex'),
  };
}

export const V13_CASES = 'http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Cases';
export const V11_MEDIA = 'http://github.com/ICMEC/ProjectVic/DataModels/1.1.xml#Media';

export function v2Context(variant: string, form: 'Cases' | 'Media'): string {
  return `http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/${variant}/$metadata#${form}`;
}

/** A Griffeye/IPED-style media record: upper-case hashes, booleans as strings, a MediaFiles entry. */
export function desktopMedia(id: number, seed: string, category: number | null): Record<string, unknown> {
  const h = hashesOf(seed);
  return {
    MediaID: id,
    Category: category,
    MD5: h.md5.toUpperCase(),
    SHA1: h.sha1.toUpperCase(),
    MediaSize: 1000 + id,
    MimeType: 'image/jpeg',
    RelativeFilePath: `media/${id}.jpg`,
    DateUpdated: '2024-03-01T10:00:00Z',
    VictimIdentified: 'false',
    OffenderIdentified: 'False',
    IsDistributed: 'true',
    Series: id % 2 === 0 ? 'SERIES-A' : null,
    Tags: 'outdoor;park',
    IsPrecategorized: 'false',
    IsSuspected: false,
    Miniature: 'iVBORw0KGgo=',
    AlternativeHashes: [
      { HashName: 'PDQ', HashValue: h.pdq },
      { HashName: 'SHA-256', HashValue: h.sha256.toUpperCase() },
      { HashName: 'PhotoDNA', HashValue: 'AAECAwQF' },
    ],
    Exifs: [
      { PropertyName: 'Make', PropertyValue: 'ExampleCam' },
      { PropertyName: 'Model', PropertyValue: 'X100' },
    ],
    MediaFiles: [
      {
        MD5: h.md5.toUpperCase(),
        FileName: `park-${id}.jpg`,
        FilePath: `/DCIM/park-${id}.jpg`,
        Created: '2024-01-02T03:04:05Z',
        Unallocated: 'false',
        Deleted: 'false',
        PhysicalLocation: '123456',
        SourceID: 'E01-1',
      },
    ],
  };
}

export function casesFile(
  context: string,
  media: readonly Record<string, unknown>[],
  contextKey = '@odata.context',
): string {
  return JSON.stringify(
    {
      [contextKey]: context,
      value: [
        {
          CaseID: '{00000000-0000-0000-0000-000000000001}',
          CaseNumber: 'TEST-0001',
          ContactOrganization: 'Example Unit',
          ContactName: 'Analyst',
          SourceApplicationName: 'fixture-writer',
          SourceApplicationVersion: '0.1',
          CaseMetadata: [{ PropertyName: 'Operation', PropertyValue: 'Benign' }],
          TotalMediaFiles: 999,
          Media: media,
        },
      ],
    },
    null,
    2,
  );
}

/** A national portal hash set: `value` holds media directly, hashes only. */
export function mediaFile(
  context: string,
  media: readonly Record<string, unknown>[],
  contextKey = '@odata.context',
): string {
  return JSON.stringify({ [contextKey]: context, value: media });
}

export function portalMedia(
  id: number | string,
  seed: string,
  category: number | string | null,
): Record<string, unknown> {
  const h = hashesOf(seed);
  return { MediaID: id, Category: category, MD5: h.md5, SHA1: h.sha1, IsPrecategorized: true };
}

/** Splits text into small pieces so that every token boundary is exercised. */
export async function* inPieces(text: string | Buffer, size = 7): AsyncGenerator<Uint8Array> {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  for (let i = 0; i < bytes.length; i += size) {
    // A real stream hands over chunks asynchronously; so does this one.
    await Promise.resolve();
    yield bytes.subarray(i, i + size);
  }
}

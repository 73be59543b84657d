import { PassThrough, Readable } from 'node:stream';
import yazl from 'yazl';
import { hex } from '#haven/platform/db/bytes.js';
import type { BlobStore } from '#haven/platform/evidence/blob-store.js';
import type { VicsMedia } from '#haven/sharing/vics/vics.types.js';
import { writeVics } from '#haven/sharing/vics/vics-writer.js';
import type { DisseminationPackage, PackagedMediaDecision } from '#haven/taskforce/dissemination.service.js';

const EXTENSIONS: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/bmp': 'bmp',
  'image/tiff': 'tif',
  'image/heic': 'heic',
  'image/heif': 'heif',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/x-matroska': 'mkv',
  'video/webm': 'webm',
  'video/x-msvideo': 'avi',
};

/** Quoted when needed; a leading formula character is defused so a spreadsheet shows text. */
function cell(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) {
    text = `'${text}`;
  }
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csv(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

async function textOf(pieces: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const piece of pieces) {
    text += piece;
  }
  return text;
}

function vicsMedia(
  index: number,
  seriesNumber: string,
  values: Readonly<Record<string, string>>,
  mime: string | null,
): VicsMedia {
  return {
    mediaId: String(index),
    category: null,
    md5: values.md5 ?? null,
    sha1: values.sha1 ?? null,
    sha256: values.sha256 ?? null,
    pdq: values.pdq ?? null,
    photoDna: null,
    mediaSize: null,
    mimeType: mime,
    relativeFilePath: null,
    dateUpdated: null,
    victimIdentified: null,
    offenderIdentified: null,
    isDistributed: null,
    isPrecategorized: null,
    precategorizationSource: null,
    isSuspected: null,
    selfGenerated: null,
    series: seriesNumber,
    tags: null,
    comments: null,
    baseline: null,
    alternativeHashes: [],
    exifs: [],
    mediaFiles: [],
  };
}

function readme(pkg: DisseminationPackage, media: readonly PackagedMediaDecision[]): string {
  const included = media.filter((medium) => medium.withheldBecause === null).length;
  return [
    `Haven dissemination package for ${pkg.country}`,
    `Sprint: ${pkg.sprint.name} (${pkg.sprint.startsOn} to ${pkg.sprint.endsOn}), coordinated by ${pkg.sprint.coordinator}`,
    `Generated: ${pkg.generatedAt}`,
    '',
    `Series: ${pkg.series.length}${pkg.withheld > 0 ? ` (${pkg.withheld} more found for ${pkg.country} are no longer shared with the coordinator and are left out)` : ''}`,
    `Media files included: ${included} of ${media.length} (media.csv says why any stayed behind)`,
    '',
    'package.json      the whole package as JSON (format haven-dissemination/1)',
    'series.csv        one line per series: owner, finding, victims, clues and media counts',
    'clues.csv         visual clues: kind, note, medium (SHA-256) and rectangle in its pixels',
    'hashes.csv        hash list: MD5, SHA-1, SHA-256 and PDQ of every medium of the series',
    'hashes.vics.json  the same hash list as VICS 2.0 media records, Series = series number',
    'media.csv         every medium and whether its file is in media/',
    'media/            original files, only for series shared with the whole network',
    '',
  ].join('\r\n');
}

/**
 * The dissemination package as a zip: the JSON, CSV summaries, the hash list as CSV and VICS,
 * and the original files that the sharing decisions let travel, streamed from the evidence store
 * (each chunk authenticated as it is read).
 */
export async function disseminationArchive(
  pkg: DisseminationPackage,
  media: readonly PackagedMediaDecision[],
  originals: BlobStore,
): Promise<Readable> {
  const mtime = new Date(pkg.generatedAt);
  const zip = new yazl.ZipFile();
  const addText = (name: string, text: string): void => {
    zip.addBuffer(Buffer.from(text, 'utf8'), name, { mtime });
  };
  const mimeOf = new Map(media.map((medium) => [hex(medium.sha256), medium.mime]));
  addText('README.txt', readme(pkg, media));
  addText('package.json', `${JSON.stringify(pkg, null, 2)}\n`);
  addText(
    'series.csv',
    csv(
      [
        'series',
        'title',
        'status',
        'owner_agency',
        'owner_country',
        'owner_contact',
        'probable_country',
        'finding_note',
        'evaluated_at',
        'victims',
        'clues',
        'media',
      ],
      pkg.series.map((series) => [
        series.number,
        series.title,
        series.status,
        series.owner.agency,
        series.owner.country,
        series.owner.contact,
        series.finding.country,
        series.finding.note,
        series.finding.evaluatedAt,
        series.victims
          .map((victim) => `${victim.code} (${victim.sex}, ${victim.ageMin ?? '?'}-${victim.ageMax ?? '?'})`)
          .join('; '),
        series.clues.length,
        series.hashes.length,
      ]),
    ),
  );
  addText(
    'clues.csv',
    csv(
      ['series', 'kind', 'note', 'media_sha256', 'x', 'y', 'width', 'height'],
      pkg.series.flatMap((series) =>
        series.clues.map((clue) => {
          const rect = clue.rect as { x?: number; y?: number; width?: number; height?: number };
          return [
            series.number,
            clue.kind,
            clue.note,
            clue.mediaSha256,
            rect.x ?? null,
            rect.y ?? null,
            rect.width ?? null,
            rect.height ?? null,
          ];
        }),
      ),
    ),
  );
  const hashRows = pkg.series.flatMap((series) => series.hashes.map((hash) => ({ series, hash })));
  addText(
    'hashes.csv',
    csv(
      ['series', 'kind', 'md5', 'sha1', 'sha256', 'pdq', 'width', 'height'],
      hashRows.map(({ series, hash }) => [
        series.number,
        hash.kind,
        hash.values.md5 ?? null,
        hash.values.sha1 ?? null,
        hash.values.sha256 ?? null,
        hash.values.pdq ?? null,
        hash.width,
        hash.height,
      ]),
    ),
  );
  const records = hashRows.map(({ series, hash }, index) =>
    vicsMedia(index + 1, series.number, hash.values, mimeOf.get(hash.values.sha256 ?? '') ?? null),
  );
  addText(
    'hashes.vics.json',
    await textOf(
      writeVics({
        variant: 'Default',
        media: once(records),
      }),
    ),
  );
  addText(
    'media.csv',
    csv(
      ['series', 'sha256', 'mime', 'file', 'withheld_because'],
      media.map((medium) => {
        const file = medium.withheldBecause === null ? mediaPath(medium) : null;
        return [medium.seriesNumber, hex(medium.sha256), medium.mime, file, medium.withheldBecause];
      }),
    ),
  );
  for (const medium of media) {
    if (medium.withheldBecause === null) {
      zip.addReadStream(Readable.from(originals.read(medium.sha256)), mediaPath(medium), { mtime });
    }
  }
  zip.end();
  // A failed read (an evidence blob that does not authenticate) ends the download with an error.
  const out = new PassThrough();
  zip.on('error', (error: Error) => out.destroy(error));
  zip.outputStream.on('error', (error: Error) => out.destroy(error));
  zip.outputStream.pipe(out);
  return out;
}

async function* once<T>(value: T): AsyncGenerator<T> {
  yield await Promise.resolve(value);
}

function mediaPath(medium: PackagedMediaDecision): string {
  const safeSeries = medium.seriesNumber.replace(/[^A-Za-z0-9_-]/g, '_');
  return `media/${safeSeries}/${hex(medium.sha256)}.${EXTENSIONS[medium.mime] ?? 'bin'}`;
}

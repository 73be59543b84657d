/**
 * EXIF/XMP extraction. exifr reads JPEG, TIFF, PNG and most HEIF files directly; for WebP and GIF
 * (which exifr cannot open) and for files where exifr finds nothing (e.g. HEIC written by some
 * libheif versions), the raw EXIF and XMP blocks are taken from sharp's metadata and parsed alone.
 *
 * Metadata is evidence but never essential: a malformed block is "no metadata", so failures inside
 * the parsers give null, while the summarising code (ours) is written not to throw on odd values.
 */
import exifr from 'exifr';
import sharp, { type Metadata } from 'sharp';
import { summariseMetadata, type ExifSummary, type MetadataBlocks } from './exif-summary.js';
import { asBlock, type RawBlock } from './exif-values.js';

export type { ExifSummary } from './exif-summary.js';

/** Formats whose containers exifr parses itself. */
const EXIFR_CONTAINERS: ReadonlySet<string> = new Set([
  'image/jpeg',
  'image/tiff',
  'image/png',
  'image/heic',
  'image/heif',
  'image/avif',
]);
/** Formats that cannot carry EXIF in a way any of our readers understands. */
const NO_METADATA: ReadonlySet<string> = new Set(['image/bmp', 'image/x-ms-bmp']);

const COMMON_OPTIONS = {
  mergeOutput: false,
  // Raw values: dates stay text (no Date built in the process time zone), enums stay numbers.
  reviveValues: false,
  translateValues: false,
  translateKeys: true,
  sanitize: true,
  icc: false,
  iptc: false,
  jfif: false,
  ihdr: false,
  makerNote: false,
  userComment: false,
} as const;

// EXIF and XMP are parsed in separate passes: with mergeOutput false, XMP's `exif` namespace would
// otherwise land on the same key as the EXIF sub-IFD.
const EXIF_OPTIONS = {
  ...COMMON_OPTIONS,
  tiff: true,
  exif: true,
  gps: true,
  interop: false,
  ifd1: false,
  xmp: false,
};
const XMP_OPTIONS = { ...COMMON_OPTIONS, tiff: false, xmp: true };

const NOTHING: MetadataBlocks = { exif: null, xmp: null };

const EXIF_HEADER = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00];
const XMP_APP1_NAMESPACE = 'http://ns.adobe.com/xap/1.0/\0';
const MAX_JPEG_SEGMENT_PAYLOAD = 0xffff - 2;

/** exifr's typings return `any`; this is the one place that receives it. */
async function runExifr(
  input: Uint8Array,
  options: typeof EXIF_OPTIONS | typeof XMP_OPTIONS,
): Promise<RawBlock | null> {
  let result: unknown;
  try {
    result = await exifr.parse(input, options);
  } catch {
    // Unknown container or a block exifr could not read: no metadata from this source.
    return null;
  }
  const block = asBlock(result);
  if (block === null) {
    return null;
  }
  // exifr reports malformed blocks in an `errors` array instead of throwing.
  const entries = Object.entries(block).filter(([key, value]) => key !== 'errors' && asBlock(value) !== null);
  return entries.length > 0 ? Object.fromEntries(entries) : null;
}

async function parseContainer(bytes: Uint8Array): Promise<MetadataBlocks> {
  const [exif, xmp] = await Promise.all([runExifr(bytes, EXIF_OPTIONS), runExifr(bytes, XMP_OPTIONS)]);
  return { exif, xmp };
}

/** sharp returns JPEG-style EXIF ('Exif\0\0' + TIFF) for some formats and bare TIFF for others. */
function bareTiff(exif: Uint8Array): Uint8Array {
  return EXIF_HEADER.every((byte, i) => exif[i] === byte) ? exif.subarray(EXIF_HEADER.length) : exif;
}

/** exifr cannot read a bare XMP packet, so it is wrapped in a minimal JPEG as an APP1 segment. */
function xmpAsJpeg(xmp: Uint8Array): Uint8Array | null {
  const namespace = Buffer.from(XMP_APP1_NAMESPACE, 'latin1');
  const payloadLength = namespace.length + xmp.length;
  if (payloadLength > MAX_JPEG_SEGMENT_PAYLOAD) {
    return null;
  }
  const segmentLength = payloadLength + 2;
  return Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe1, segmentLength >> 8, segmentLength & 0xff]),
    namespace,
    xmp,
    Buffer.from([0xff, 0xd9]),
  ]);
}

async function parseSharpBlocks(bytes: Uint8Array): Promise<MetadataBlocks> {
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    return NOTHING;
  }
  const xmpJpeg = metadata.xmp === undefined ? null : xmpAsJpeg(metadata.xmp);
  const [exif, xmp] = await Promise.all([
    metadata.exif === undefined ? null : runExifr(bareTiff(metadata.exif), EXIF_OPTIONS),
    xmpJpeg === null ? null : runExifr(xmpJpeg, XMP_OPTIONS),
  ]);
  return { exif, xmp };
}

/**
 * Extracts the metadata summary of an image (mime as sniffed). Returns null when the file has no
 * readable EXIF/XMP, including when its metadata is malformed; never throws for bad input.
 */
export async function extractExif(bytes: Uint8Array, mime: string): Promise<ExifSummary | null> {
  if (bytes.length === 0 || NO_METADATA.has(mime)) {
    return null;
  }
  let blocks = EXIFR_CONTAINERS.has(mime) ? await parseContainer(bytes) : NOTHING;
  if (blocks.exif === null && blocks.xmp === null) {
    blocks = await parseSharpBlocks(bytes);
  }
  return summariseMetadata(blocks);
}

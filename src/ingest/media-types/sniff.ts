/**
 * Media type detection from magic bytes. File names and extensions are never consulted: seized
 * media is routinely renamed, and an extension is a claim, not evidence.
 */
import { sniffIsoBmff } from './iso-bmff.js';
import type { SniffResult } from './media-type.js';
import { MPEG_TS_BYTES_NEEDED, sniffEbml, sniffMpegTransportStream, sniffOgg } from './stream-containers.js';

export type { MediaKind, SniffResult } from './media-type.js';
export { isDecodableImage, isOpenableArchive } from './media-type.js';

const TAR_HEADER_SIZE = 512;

/**
 * How many leading bytes `sniffMediaType` looks at. Most signatures sit in the first 16 bytes; the
 * tar header (magic at 257, checksum over 512 bytes) and MPEG transport streams (a sync byte every
 * 188 or 192 bytes) need more. Shorter input is fine: signatures that do not fit are not matched.
 */
export const SNIFF_BYTES = Math.max(TAR_HEADER_SIZE, MPEG_TS_BYTES_NEEDED);

export const UNKNOWN_MEDIA: SniffResult = {
  mime: 'application/octet-stream',
  kind: 'other',
  format: 'unknown',
};

type Signature = readonly (number | null)[];

/** `null` in a signature matches any byte. */
function matchesAt(head: Uint8Array, offset: number, signature: Signature): boolean {
  if (head.length < offset + signature.length) {
    return false;
  }
  return signature.every((byte, i) => byte === null || head[offset + i] === byte);
}

function ascii(text: string): number[] {
  return Array.from(text, (char) => char.charCodeAt(0));
}

function readUint16LE(head: Uint8Array, offset: number): number {
  return head[offset]! | (head[offset + 1]! << 8);
}

function readUint32LE(head: Uint8Array, offset: number): number {
  return (
    (head[offset]! | (head[offset + 1]! << 8) | (head[offset + 2]! << 16) | (head[offset + 3]! << 24)) >>> 0
  );
}

interface FixedSignature {
  readonly offset: number;
  readonly bytes: Signature;
  readonly result: SniffResult;
}

const image = (mime: string, format: string): SniffResult => ({ mime, kind: 'image', format });
const video = (mime: string, format: string): SniffResult => ({ mime, kind: 'video', format });
const archive = (mime: string, format: string): SniffResult => ({ mime, kind: 'archive', format });

const RIFF = ascii('RIFF');
const JP2_BOX = [0x00, 0x00, 0x00, 0x0c, ...ascii('jP  '), 0x0d, 0x0a, 0x87, 0x0a];
const JXL_BOX = [0x00, 0x00, 0x00, 0x0c, ...ascii('JXL '), 0x0d, 0x0a, 0x87, 0x0a];
const ASF_GUID = [
  0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11, 0xa6, 0xd9, 0x00, 0xaa, 0x00, 0x62, 0xce, 0x6c,
];

/** Checked in order; more specific entries come before ones that share their prefix. */
const FIXED_SIGNATURES: readonly FixedSignature[] = [
  { offset: 0, bytes: [0xff, 0xd8, 0xff], result: image('image/jpeg', 'jpeg') },
  {
    offset: 0,
    bytes: [0x89, ...ascii('PNG'), 0x0d, 0x0a, 0x1a, 0x0a],
    result: image('image/png', 'png'),
  },
  { offset: 0, bytes: ascii('GIF87a'), result: image('image/gif', 'gif') },
  { offset: 0, bytes: ascii('GIF89a'), result: image('image/gif', 'gif') },
  {
    offset: 0,
    bytes: [...RIFF, null, null, null, null, ...ascii('WEBP')],
    result: image('image/webp', 'webp'),
  },
  {
    offset: 0,
    bytes: [...RIFF, null, null, null, null, ...ascii('AVI ')],
    result: video('video/x-msvideo', 'avi'),
  },
  {
    offset: 0,
    bytes: [...RIFF, null, null, null, null, ...ascii('WAVE')],
    result: { mime: 'audio/wav', kind: 'other', format: 'wav' },
  },
  // Canon CR2 is a TIFF with a marker right after the header; its first IFD is not a usable image.
  {
    offset: 0,
    bytes: [0x49, 0x49, 0x2a, 0x00, null, null, null, null, ...ascii('CR')],
    result: image('image/x-canon-cr2', 'cr2'),
  },
  { offset: 0, bytes: [0x49, 0x49, 0x2a, 0x00], result: image('image/tiff', 'tiff') },
  { offset: 0, bytes: [0x4d, 0x4d, 0x00, 0x2a], result: image('image/tiff', 'tiff') },
  // BigTIFF: version 43, offset size 8, reserved 0.
  { offset: 0, bytes: [0x49, 0x49, 0x2b, 0x00, 0x08, 0x00, 0x00, 0x00], result: image('image/tiff', 'tiff') },
  { offset: 0, bytes: [0x4d, 0x4d, 0x00, 0x2b, 0x00, 0x08, 0x00, 0x00], result: image('image/tiff', 'tiff') },
  { offset: 0, bytes: [...ascii('8BPS'), 0x00, 0x01], result: image('image/vnd.adobe.photoshop', 'psd') },
  { offset: 0, bytes: [...ascii('8BPS'), 0x00, 0x02], result: image('image/vnd.adobe.photoshop', 'psb') },
  { offset: 0, bytes: JP2_BOX, result: image('image/jp2', 'jp2') },
  { offset: 0, bytes: [0xff, 0x4f, 0xff, 0x51], result: image('image/j2c', 'j2c') },
  { offset: 0, bytes: JXL_BOX, result: image('image/jxl', 'jxl') },
  { offset: 0, bytes: [0xff, 0x0a], result: image('image/jxl', 'jxl') },
  { offset: 0, bytes: [...ascii('FLV'), 0x01], result: video('video/x-flv', 'flv') },
  { offset: 0, bytes: ASF_GUID, result: video('video/x-ms-asf', 'asf') },
  { offset: 0, bytes: [0x00, 0x00, 0x01, 0xba], result: video('video/mpeg', 'mpeg-ps') },
  { offset: 0, bytes: [0x00, 0x00, 0x01, 0xb3], result: video('video/mpeg', 'mpeg-video') },
  { offset: 0, bytes: [...ascii('PK'), 0x03, 0x04], result: archive('application/zip', 'zip') },
  { offset: 0, bytes: [...ascii('PK'), 0x05, 0x06], result: archive('application/zip', 'zip') },
  { offset: 0, bytes: [...ascii('PK'), 0x07, 0x08], result: archive('application/zip', 'zip') },
  {
    offset: 0,
    bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c],
    result: archive('application/x-7z-compressed', '7z'),
  },
  { offset: 0, bytes: [...ascii('Rar!'), 0x1a, 0x07, 0x00], result: archive('application/vnd.rar', 'rar') },
  {
    offset: 0,
    bytes: [...ascii('Rar!'), 0x1a, 0x07, 0x01, 0x00],
    result: archive('application/vnd.rar', 'rar'),
  },
  { offset: 0, bytes: [0x1f, 0x8b, 0x08], result: archive('application/gzip', 'gzip') },
  { offset: 0, bytes: [0xfd, ...ascii('7zXZ'), 0x00], result: archive('application/x-xz', 'xz') },
  { offset: 0, bytes: ascii('%PDF-'), result: { mime: 'application/pdf', kind: 'other', format: 'pdf' } },
];

const BMP_HEADER_SIZES = new Set([12, 16, 40, 52, 56, 64, 108, 124]);

/** `BM` alone is too weak (it starts plenty of text files); the DIB header must also make sense. */
function looksLikeBmp(head: Uint8Array): boolean {
  if (!matchesAt(head, 0, ascii('BM')) || head.length < 26) {
    return false;
  }
  const pixelOffset = readUint32LE(head, 10);
  const headerSize = readUint32LE(head, 14);
  if (!BMP_HEADER_SIZES.has(headerSize) || pixelOffset < 14 + headerSize) {
    return false;
  }
  const planesOffset = headerSize === 12 ? 22 : 26;
  return head.length < planesOffset + 2 || readUint16LE(head, planesOffset) === 1;
}

function looksLikeIco(head: Uint8Array): boolean {
  if (!matchesAt(head, 0, [0x00, 0x00, 0x01, 0x00]) || head.length < 22) {
    return false;
  }
  const imageCount = readUint16LE(head, 4);
  const reserved = head[9];
  const planes = readUint16LE(head, 10);
  const imageSize = readUint32LE(head, 14);
  return imageCount > 0 && reserved === 0 && planes <= 1 && imageSize > 0;
}

function looksLikeTar(head: Uint8Array): boolean {
  if (!matchesAt(head, 257, ascii('ustar'))) {
    return false;
  }
  if (head.length < TAR_HEADER_SIZE) {
    return true;
  }
  // The checksum counts the checksum field itself as eight spaces.
  // Some old writers summed signed bytes, so accept either sum.
  let unsignedSum = 0;
  let signedSum = 0;
  for (let i = 0; i < TAR_HEADER_SIZE; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : head[i]!;
    unsignedSum += byte;
    signedSum += byte >= 0x80 ? byte - 0x100 : byte;
  }
  const stored = Number.parseInt(String.fromCharCode(...head.subarray(148, 156)).replace(/[\0 ]+/g, ' '), 8);
  return stored === unsignedSum || stored === signedSum;
}

/** Identifies the media type of a file from its first `SNIFF_BYTES` bytes (fewer is fine). */
export function sniffMediaType(head: Uint8Array): SniffResult {
  // Tar first: its header begins with a free-form file name that could mimic any other magic.
  if (looksLikeTar(head)) {
    return archive('application/x-tar', 'tar');
  }
  for (const signature of FIXED_SIGNATURES) {
    if (matchesAt(head, signature.offset, signature.bytes)) {
      return signature.result;
    }
  }
  if (looksLikeBmp(head)) {
    return image('image/bmp', 'bmp');
  }
  if (looksLikeIco(head)) {
    return image('image/vnd.microsoft.icon', 'ico');
  }
  if (matchesAt(head, 0, [...ascii('BZh')]) && head[3]! >= 0x31 && head[3]! <= 0x39) {
    return archive('application/x-bzip2', 'bzip2');
  }
  return (
    sniffIsoBmff(head) ?? sniffEbml(head) ?? sniffOgg(head) ?? sniffMpegTransportStream(head) ?? UNKNOWN_MEDIA
  );
}

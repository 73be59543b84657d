/**
 * Sniffers for streaming containers whose signature is more than a fixed prefix: MPEG transport
 * streams (sync byte repeated every packet), Matroska/WebM (DocType inside the EBML header) and Ogg
 * (codec named in the first packet).
 */
import type { SniffResult } from './media-type.js';

const TS_SYNC_BYTE = 0x47;
const TS_PACKET_SIZE = 188;
/** Blu-ray/AVCHD `.m2ts` prefixes each packet with a 4-byte timestamp. */
const M2TS_PACKET_SIZE = 192;

export const MPEG_TS_BYTES_NEEDED = 4 + 2 * M2TS_PACKET_SIZE + 1;

function hasSyncEvery(head: Uint8Array, start: number, packetSize: number): boolean {
  // Two consecutive sync bytes at least; a third when the head is long enough.
  if (head.length < start + packetSize + 1) {
    return false;
  }
  for (let offset = start; offset < head.length && offset <= start + 2 * packetSize; offset += packetSize) {
    if (head[offset] !== TS_SYNC_BYTE) {
      return false;
    }
  }
  return true;
}

export function sniffMpegTransportStream(head: Uint8Array): SniffResult | null {
  if (hasSyncEvery(head, 0, TS_PACKET_SIZE)) {
    return { mime: 'video/mp2t', kind: 'video', format: 'mpeg-ts' };
  }
  if (hasSyncEvery(head, 4, M2TS_PACKET_SIZE)) {
    return { mime: 'video/mp2t', kind: 'video', format: 'm2ts' };
  }
  return null;
}

const EBML_MAGIC = [0x1a, 0x45, 0xdf, 0xa3];
const EBML_DOCTYPE_ID = [0x42, 0x82];

export function sniffEbml(head: Uint8Array): SniffResult | null {
  if (!EBML_MAGIC.every((byte, i) => head[i] === byte)) {
    return null;
  }
  let docType = '';
  const searchEnd = Math.min(head.length - 3, 64);
  for (let offset = 4; offset < searchEnd; offset++) {
    if (head[offset] === EBML_DOCTYPE_ID[0] && head[offset + 1] === EBML_DOCTYPE_ID[1]) {
      const sizeByte = head[offset + 2]!;
      // Only the one-byte size form (0x80 | length) is used for short DocType strings.
      if ((sizeByte & 0x80) !== 0) {
        const length = sizeByte & 0x7f;
        const bytes = head.subarray(offset + 3, Math.min(offset + 3 + length, head.length));
        docType = String.fromCharCode(...bytes);
      }
      break;
    }
  }
  return docType === 'webm'
    ? { mime: 'video/webm', kind: 'video', format: 'webm' }
    : { mime: 'video/x-matroska', kind: 'video', format: 'mkv' };
}

const OGG_AUDIO_CODECS = ['\x01vorbis', 'OpusHead', 'fLaC', '\x7fFLAC', 'Speex   '];

export function sniffOgg(head: Uint8Array): SniffResult | null {
  if (head.length < 28 || String.fromCharCode(...head.subarray(0, 4)) !== 'OggS') {
    return null;
  }
  const segmentCount = head[26]!;
  const packetStart = 27 + segmentCount;
  const packet = String.fromCharCode(...head.subarray(packetStart, packetStart + 8));
  if (OGG_AUDIO_CODECS.some((codec) => packet.startsWith(codec))) {
    return { mime: 'audio/ogg', kind: 'other', format: 'ogg' };
  }
  // Theora, VP8, Dirac, or a codec we do not know: treat as video so the video pipeline probes it
  // rather than the file being skipped.
  return { mime: 'video/ogg', kind: 'video', format: 'ogg' };
}

/**
 * Classification of ISO base media files (MP4, QuickTime, 3GP, HEIF, AVIF) from their leading
 * `ftyp` box. The major brand is not enough on its own: generic HEIF brands (`mif1`, `msf1`) are
 * shared by HEIC and AVIF, so the compatible brands decide.
 */
import type { SniffResult } from './media-type.js';

const AVIF_BRANDS = new Set(['avif', 'avis']);
const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);
const GENERIC_HEIF_BRANDS = new Set(['mif1', 'msf1', 'mif2', 'miaf']);
const QUICKTIME_BRANDS = new Set(['qt  ']);
const M4V_BRANDS = new Set(['M4V ', 'M4VH', 'M4VP']);
const AUDIO_ONLY_BRANDS = new Set(['M4A ', 'M4B ', 'M4P ', 'F4A ', 'F4B ']);
const THREE_GPP2_BRANDS = new Set(['3g2a', '3g2b', '3g2c']);
const CANON_RAW_BRANDS = new Set(['crx ']);
const MP4_BRANDS = new Set([
  'isom',
  'iso2',
  'iso3',
  'iso4',
  'iso5',
  'iso6',
  'iso7',
  'iso8',
  'iso9',
  'mp41',
  'mp42',
  'mp71',
  'avc1',
  'dash',
  'msnv',
  'f4v ',
  'f4p ',
  'MSNV',
  'NDAS',
  'XAVC',
  'mmp4',
]);

/** QuickTime files from before `ftyp` existed start directly with one of these atoms. */
const LEGACY_QUICKTIME_ATOMS = new Set(['moov', 'mdat', 'wide', 'pnot']);

const AVIF: SniffResult = { mime: 'image/avif', kind: 'image', format: 'avif' };
const HEIC: SniffResult = { mime: 'image/heic', kind: 'image', format: 'heic' };
const HEIF: SniffResult = { mime: 'image/heif', kind: 'image', format: 'heif' };
const MP4: SniffResult = { mime: 'video/mp4', kind: 'video', format: 'mp4' };
const MOV: SniffResult = { mime: 'video/quicktime', kind: 'video', format: 'mov' };

function fourCc(head: Uint8Array, offset: number): string {
  return String.fromCharCode(head[offset]!, head[offset + 1]!, head[offset + 2]!, head[offset + 3]!);
}

function readUint32BE(head: Uint8Array, offset: number): number {
  return (
    ((head[offset]! << 24) | (head[offset + 1]! << 16) | (head[offset + 2]! << 8) | head[offset + 3]!) >>> 0
  );
}

function classifyBrand(brand: string): SniffResult | null {
  if (AVIF_BRANDS.has(brand)) {
    return AVIF;
  }
  if (HEIC_BRANDS.has(brand)) {
    return HEIC;
  }
  if (QUICKTIME_BRANDS.has(brand)) {
    return MOV;
  }
  if (M4V_BRANDS.has(brand)) {
    return { mime: 'video/x-m4v', kind: 'video', format: 'm4v' };
  }
  if (AUDIO_ONLY_BRANDS.has(brand)) {
    return { mime: 'audio/mp4', kind: 'other', format: 'm4a' };
  }
  if (THREE_GPP2_BRANDS.has(brand)) {
    return { mime: 'video/3gpp2', kind: 'video', format: '3g2' };
  }
  if (/^3g[pgesr]\d$/.test(brand)) {
    return { mime: 'video/3gpp', kind: 'video', format: '3gp' };
  }
  if (CANON_RAW_BRANDS.has(brand)) {
    return { mime: 'image/x-canon-cr3', kind: 'image', format: 'cr3' };
  }
  if (MP4_BRANDS.has(brand)) {
    return MP4;
  }
  return null;
}

/** Returns the classification of an ISO-BMFF file, or null when `head` does not start with one. */
export function sniffIsoBmff(head: Uint8Array): SniffResult | null {
  if (head.length < 12) {
    return null;
  }
  const boxType = fourCc(head, 4);
  if (boxType !== 'ftyp') {
    return LEGACY_QUICKTIME_ATOMS.has(boxType) && readUint32BE(head, 0) >= 8 ? MOV : null;
  }
  const boxSize = readUint32BE(head, 0);
  if (boxSize < 16 && boxSize !== 12) {
    return null;
  }
  const major = fourCc(head, 8);
  const compatible: string[] = [];
  const end = Math.min(boxSize, head.length);
  for (let offset = 16; offset + 4 <= end; offset += 4) {
    compatible.push(fourCc(head, offset));
  }

  const byMajor = GENERIC_HEIF_BRANDS.has(major) ? null : classifyBrand(major);
  if (byMajor !== null) {
    return byMajor;
  }
  // A generic HEIF file is AVIF or HEIC depending on which codec brand it also claims.
  if (compatible.some((brand) => AVIF_BRANDS.has(brand))) {
    return AVIF;
  }
  if (compatible.some((brand) => HEIC_BRANDS.has(brand))) {
    return HEIC;
  }
  if (GENERIC_HEIF_BRANDS.has(major) || compatible.some((brand) => GENERIC_HEIF_BRANDS.has(brand))) {
    return HEIF;
  }
  // Unknown major brand: the first compatible brand we recognise decides.
  for (const brand of compatible) {
    const byCompatible = classifyBrand(brand);
    if (byCompatible !== null) {
      return byCompatible;
    }
  }
  // An ISO-BMFF file with brands we do not know is most likely a video; the video pipeline probes it.
  return { mime: 'video/mp4', kind: 'video', format: 'iso-bmff' };
}

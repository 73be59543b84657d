/**
 * Parsing and validation of Windows/OS2 bitmap headers (BITMAPCOREHEADER, BITMAPINFOHEADER and its
 * V2-V5 extensions). Every offset and size is checked against the buffer here, so the pixel
 * decoders can index without re-checking.
 */
import { havenError } from '#haven/platform/errors/haven-error.js';

const FILE_HEADER_SIZE = 14;
const CORE_HEADER_SIZE = 12;
const INFO_HEADER_SIZE = 40;
const SUPPORTED_HEADER_SIZES = new Set([CORE_HEADER_SIZE, 16, INFO_HEADER_SIZE, 52, 56, 64, 108, 124]);

const BI_RGB = 0;
const BI_RLE8 = 1;
const BI_RLE4 = 2;
const BI_BITFIELDS = 3;
const BI_JPEG = 4;
const BI_PNG = 5;
const BI_ALPHABITFIELDS = 6;

export type BmpCompression = 'rgb' | 'rle8' | 'rle4' | 'bitfields';

export interface BitMasks {
  readonly red: number;
  readonly green: number;
  readonly blue: number;
  /** 0 when the image has no alpha channel. */
  readonly alpha: number;
}

export interface BmpLayout {
  readonly width: number;
  readonly height: number;
  /** Rows are stored top row first (negative height in the header). */
  readonly topDown: boolean;
  readonly bitsPerPixel: number;
  readonly compression: BmpCompression;
  /** Channel masks for 16 and 32 bpp images (implicit 5-5-5 or 8-8-8 for BI_RGB). */
  readonly masks: BitMasks | null;
  /** Palette as RGB triples, for 1 to 8 bpp images. */
  readonly palette: Uint8Array | null;
  readonly pixelOffset: number;
  /** End of the pixel data (exclusive): the declared image size when plausible, else end of file. */
  readonly pixelEnd: number;
}

export function bmpError(reason: string): Error {
  return havenError('IMAGE_UNDECODABLE', { reason: `BMP: ${reason}` });
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const IMPLICIT_MASKS: Readonly<Record<number, BitMasks>> = {
  16: { red: 0x7c00, green: 0x03e0, blue: 0x001f, alpha: 0 },
  32: { red: 0x00ff0000, green: 0x0000ff00, blue: 0x000000ff, alpha: 0 },
};

function compressionName(code: number, bitsPerPixel: number): BmpCompression {
  switch (code) {
    case BI_RGB:
      return 'rgb';
    case BI_RLE8:
      if (bitsPerPixel !== 8) {
        throw bmpError(`RLE8 needs 8 bits per pixel, header says ${bitsPerPixel}`);
      }
      return 'rle8';
    case BI_RLE4:
      if (bitsPerPixel !== 4) {
        throw bmpError(`RLE4 needs 4 bits per pixel, header says ${bitsPerPixel}`);
      }
      return 'rle4';
    case BI_BITFIELDS:
    case BI_ALPHABITFIELDS:
      if (bitsPerPixel !== 16 && bitsPerPixel !== 32) {
        throw bmpError(`bit-field masks need 16 or 32 bits per pixel, header says ${bitsPerPixel}`);
      }
      return 'bitfields';
    case BI_JPEG:
    case BI_PNG:
      throw bmpError('embedded JPEG/PNG bitmaps are not supported');
    default:
      throw bmpError(`unknown compression ${code}`);
  }
}

function checkMask(mask: number, bitsPerPixel: number, name: string): void {
  if (bitsPerPixel < 32 && mask >= 2 ** bitsPerPixel) {
    throw bmpError(`${name} mask 0x${mask.toString(16)} does not fit in ${bitsPerPixel} bits`);
  }
  if (mask !== 0) {
    const shifted = mask >>> countTrailingZeros(mask);
    if ((shifted & (shifted + 1)) !== 0 && shifted !== 0xffffffff) {
      throw bmpError(`${name} mask 0x${mask.toString(16)} is not contiguous`);
    }
  }
}

export function countTrailingZeros(mask: number): number {
  let shift = 0;
  while (shift < 32 && ((mask >>> shift) & 1) === 0) {
    shift++;
  }
  return shift;
}

function readMasks(data: DataView, headerSize: number, code: number, bytesLength: number): BitMasks {
  // V2+ headers carry the masks inside the header; a plain 40-byte header has them right after it.
  const base = FILE_HEADER_SIZE + INFO_HEADER_SIZE;
  const maskCount = headerSize >= 56 ? 4 : headerSize >= 52 ? 3 : code === BI_ALPHABITFIELDS ? 4 : 3;
  if (base + maskCount * 4 > bytesLength) {
    throw bmpError('file ends inside the colour masks');
  }
  return {
    red: data.getUint32(base, true),
    green: data.getUint32(base + 4, true),
    blue: data.getUint32(base + 8, true),
    alpha: maskCount === 4 ? data.getUint32(base + 12, true) : 0,
  };
}

function readPalette(
  bytes: Uint8Array,
  start: number,
  pixelOffset: number,
  declaredCount: number,
  entrySize: number,
): Uint8Array {
  // Some writers declare more colours than they store before the pixel data; trust the space.
  const room = Math.floor((pixelOffset - start) / entrySize);
  const count = Math.min(declaredCount, Math.max(room, 0));
  if (count === 0) {
    throw bmpError('palette image without a palette');
  }
  if (start + count * entrySize > bytes.length) {
    throw bmpError('file ends inside the palette');
  }
  const palette = new Uint8Array(count * 3);
  for (let i = 0; i < count; i++) {
    const entry = start + i * entrySize;
    palette[i * 3] = bytes[entry + 2]!;
    palette[i * 3 + 1] = bytes[entry + 1]!;
    palette[i * 3 + 2] = bytes[entry]!;
  }
  return palette;
}

/** Parses and validates the headers; throws IMAGE_UNDECODABLE on anything inconsistent. */
export function parseBmpLayout(bytes: Uint8Array): BmpLayout {
  if (bytes.length < FILE_HEADER_SIZE + CORE_HEADER_SIZE || bytes[0] !== 0x42 || bytes[1] !== 0x4d) {
    throw bmpError('not a bitmap or shorter than its headers');
  }
  const data = view(bytes);
  const pixelOffset = data.getUint32(10, true);
  const headerSize = data.getUint32(14, true);
  if (!SUPPORTED_HEADER_SIZES.has(headerSize)) {
    throw bmpError(`unsupported header size ${headerSize}`);
  }
  if (FILE_HEADER_SIZE + headerSize > bytes.length) {
    throw bmpError('file ends inside the header');
  }
  const core = headerSize === CORE_HEADER_SIZE;
  const width = core ? data.getUint16(18, true) : data.getInt32(18, true);
  const signedHeight = core ? data.getUint16(20, true) : data.getInt32(22, true);
  const bitsPerPixel = data.getUint16(core ? 24 : 28, true);
  const code = headerSize >= 20 ? data.getUint32(30, true) : BI_RGB;
  const declaredImageSize = headerSize >= 24 ? data.getUint32(34, true) : 0;
  const coloursUsed = headerSize >= 36 ? data.getUint32(46, true) : 0;

  if (width <= 0 || signedHeight === 0 || signedHeight === -(2 ** 31)) {
    throw bmpError(`invalid dimensions ${width}x${signedHeight}`);
  }
  if (![1, 2, 4, 8, 16, 24, 32].includes(bitsPerPixel)) {
    throw bmpError(`unsupported bit depth ${bitsPerPixel}`);
  }
  const compression = compressionName(code, bitsPerPixel);
  const topDown = signedHeight < 0;
  const height = Math.abs(signedHeight);

  let masks: BitMasks | null = null;
  let afterHeader = FILE_HEADER_SIZE + headerSize;
  if (compression === 'bitfields') {
    masks = readMasks(data, headerSize, code, bytes.length);
    if (headerSize === INFO_HEADER_SIZE) {
      afterHeader += code === BI_ALPHABITFIELDS ? 16 : 12;
    }
    checkMask(masks.red, bitsPerPixel, 'red');
    checkMask(masks.green, bitsPerPixel, 'green');
    checkMask(masks.blue, bitsPerPixel, 'blue');
    checkMask(masks.alpha, bitsPerPixel, 'alpha');
  } else if (bitsPerPixel === 16 || bitsPerPixel === 32) {
    masks = IMPLICIT_MASKS[bitsPerPixel]!;
  }

  if (pixelOffset < afterHeader || pixelOffset >= bytes.length) {
    throw bmpError(`pixel data offset ${pixelOffset} is outside the file (${bytes.length} bytes)`);
  }

  let palette: Uint8Array | null = null;
  if (bitsPerPixel <= 8) {
    const maxColours = 2 ** bitsPerPixel;
    const declared = core || coloursUsed === 0 ? maxColours : Math.min(coloursUsed, maxColours);
    palette = readPalette(bytes, afterHeader, pixelOffset, declared, core ? 3 : 4);
  }

  const declaredEnd = pixelOffset + declaredImageSize;
  const pixelEnd = declaredImageSize > 0 && declaredEnd <= bytes.length ? declaredEnd : bytes.length;
  return { width, height, topDown, bitsPerPixel, compression, masks, palette, pixelOffset, pixelEnd };
}

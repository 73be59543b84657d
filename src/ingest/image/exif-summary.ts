/**
 * The investigative summary of an image's EXIF and XMP metadata: which camera and lens (with
 * serial numbers, which can link images to one device), when, where, and with what software.
 */
import {
  asBlock,
  exifDateTime,
  finiteNumber,
  gpsCoordinate,
  gpsTimestamp,
  text,
  xmpDateTime,
  type LocalOrOffsetTime,
  type RawBlock,
} from './exif-values.js';

export interface ExifSummary {
  readonly make: string | null;
  readonly model: string | null;
  /** EXIF BodySerialNumber (exifr: SerialNumber), else DNG CameraSerialNumber, else XMP. */
  readonly bodySerialNumber: string | null;
  readonly lensMake: string | null;
  readonly lensModel: string | null;
  readonly lensSerialNumber: string | null;
  /** ISO 8601. With its UTC offset when the file records one; otherwise camera wall-clock time. */
  readonly captureTime: string | null;
  /** false: `captureTime` is a local time in an unknown time zone (no offset recorded). */
  readonly captureTimeHasOffset: boolean | null;
  /** Which tag the capture time came from, e.g. `exif:DateTimeOriginal`. */
  readonly captureTimeSource: string | null;
  /** Decimal degrees, negative south / west. */
  readonly gpsLatitude: number | null;
  readonly gpsLongitude: number | null;
  /** Metres, negative below sea level. */
  readonly gpsAltitude: number | null;
  /** GPS date and time (UTC), ISO 8601 with 'Z'. */
  readonly gpsTimestamp: string | null;
  readonly software: string | null;
  /** EXIF Orientation 1-8 as recorded (previews apply it; hashes do not). */
  readonly orientation: number | null;
  readonly imageDescription: string | null;
  readonly artist: string | null;
  readonly copyright: string | null;
  /** Selected XMP properties as `prefix:Name` -> text (arrays joined with '; '). */
  readonly xmp: Readonly<Record<string, string>> | null;
}

/** exifr output with `mergeOutput: false`: EXIF as `ifd0`/`exif`/`gps`, XMP per namespace prefix. */
export interface MetadataBlocks {
  readonly exif: RawBlock | null;
  readonly xmp: RawBlock | null;
}

const MAX_XMP_ENTRIES = 64;
const MAX_XMP_VALUE_LENGTH = 1000;

function first<T>(...candidates: (T | null)[]): T | null {
  return candidates.find((candidate) => candidate !== null) ?? null;
}

function xmpText(xmp: RawBlock | null, prefix: string, name: string): string | null {
  const namespace = asBlock(xmp?.[prefix]);
  return namespace === null ? null : flattenXmpValue(namespace[name]);
}

function flattenXmpValue(value: unknown): string | null {
  if (Array.isArray(value)) {
    const items = value.map(flattenXmpValue).filter((item): item is string => item !== null);
    return items.length > 0 ? items.join('; ') : null;
  }
  if (typeof value === 'boolean') {
    return String(value);
  }
  const block = asBlock(value);
  // Language alternatives come back as { lang, value }.
  const flattened = block === null ? text(value) : text(block.value);
  return flattened === null ? null : flattened.slice(0, MAX_XMP_VALUE_LENGTH);
}

function xmpMap(xmp: RawBlock | null): Record<string, string> | null {
  if (xmp === null) {
    return null;
  }
  const entries: [string, string][] = [];
  for (const [prefix, namespaceValue] of Object.entries(xmp)) {
    const namespace = asBlock(namespaceValue);
    if (namespace === null || prefix === 'errors') {
      continue;
    }
    for (const [name, value] of Object.entries(namespace)) {
      const flattened = flattenXmpValue(value);
      if (flattened !== null && entries.length < MAX_XMP_ENTRIES) {
        entries.push([`${prefix}:${name}`, flattened]);
      }
    }
  }
  return entries.length > 0 ? Object.fromEntries(entries) : null;
}

function captureTime(
  exif: RawBlock | null,
  xmp: RawBlock | null,
): { time: LocalOrOffsetTime; source: string } | null {
  const candidates: [string, () => LocalOrOffsetTime | null][] = [
    [
      'exif:DateTimeOriginal',
      () => exifDateTime(exif?.DateTimeOriginal, exif?.SubSecTimeOriginal, exif?.OffsetTimeOriginal),
    ],
    [
      'exif:CreateDate',
      () => exifDateTime(exif?.CreateDate, exif?.SubSecTimeDigitized, exif?.OffsetTimeDigitized),
    ],
    ['xmp:exif:DateTimeOriginal', () => xmpDateTime(asBlock(xmp?.exif)?.DateTimeOriginal)],
    ['xmp:photoshop:DateCreated', () => xmpDateTime(asBlock(xmp?.photoshop)?.DateCreated)],
    ['xmp:xmp:CreateDate', () => xmpDateTime(asBlock(xmp?.xmp)?.CreateDate)],
  ];
  for (const [source, read] of candidates) {
    const time = read();
    if (time !== null) {
      return { time, source };
    }
  }
  return null;
}

function altitude(gps: RawBlock | null): number | null {
  const metres = finiteNumber(gps?.GPSAltitude);
  if (metres === null) {
    return null;
  }
  return finiteNumber(gps?.GPSAltitudeRef) === 1 ? -Math.abs(metres) : metres;
}

function orientation(ifd0: RawBlock | null): number | null {
  const value = finiteNumber(ifd0?.Orientation);
  return value !== null && Number.isInteger(value) && value >= 1 && value <= 8 ? value : null;
}

/** Builds the summary; returns null when nothing useful is present. Never throws on odd values. */
export function summariseMetadata(blocks: MetadataBlocks): ExifSummary | null {
  const ifd0 = asBlock(blocks.exif?.ifd0);
  const exif = asBlock(blocks.exif?.exif);
  const gps = asBlock(blocks.exif?.gps);
  const { xmp } = blocks;
  const time = captureTime(exif, xmp);
  const summary: ExifSummary = {
    make: text(ifd0?.Make),
    model: text(ifd0?.Model),
    bodySerialNumber: first(
      text(exif?.SerialNumber),
      text(exif?.BodySerialNumber),
      text(ifd0?.CameraSerialNumber),
      text(exif?.CameraSerialNumber),
      xmpText(xmp, 'exifEX', 'BodySerialNumber'),
      xmpText(xmp, 'aux', 'SerialNumber'),
    ),
    lensMake: first(text(exif?.LensMake), xmpText(xmp, 'exifEX', 'LensMake')),
    lensModel: first(
      text(exif?.LensModel),
      text(exif?.Lens),
      xmpText(xmp, 'exifEX', 'LensModel'),
      xmpText(xmp, 'aux', 'Lens'),
    ),
    lensSerialNumber: first(
      text(exif?.LensSerialNumber),
      xmpText(xmp, 'exifEX', 'LensSerialNumber'),
      xmpText(xmp, 'aux', 'LensSerialNumber'),
    ),
    captureTime: time?.time.iso ?? null,
    captureTimeHasOffset: time?.time.hasOffset ?? null,
    captureTimeSource: time?.source ?? null,
    gpsLatitude: gpsCoordinate(gps?.GPSLatitude, gps?.GPSLatitudeRef, 'N', 90),
    gpsLongitude: gpsCoordinate(gps?.GPSLongitude, gps?.GPSLongitudeRef, 'E', 180),
    gpsAltitude: altitude(gps),
    gpsTimestamp: gpsTimestamp(gps?.GPSDateStamp, gps?.GPSTimeStamp),
    software: first(text(ifd0?.Software), xmpText(xmp, 'xmp', 'CreatorTool')),
    orientation: orientation(ifd0),
    imageDescription: first(text(ifd0?.ImageDescription), xmpText(xmp, 'dc', 'description')),
    artist: first(text(ifd0?.Artist), xmpText(xmp, 'dc', 'creator')),
    copyright: first(text(ifd0?.Copyright), xmpText(xmp, 'dc', 'rights')),
    xmp: xmpMap(xmp),
  };
  return Object.values(summary).some((value) => value !== null) ? summary : null;
}

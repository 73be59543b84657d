/**
 * Conversions of raw EXIF/XMP values (as exifr returns them with `reviveValues: false`) into plain
 * strings and numbers. Dates are rebuilt from their text so the process time zone never leaks in:
 * a camera's wall-clock time without an offset stays a local time in an unknown zone.
 */

/** Values exifr hands out: strings, numbers, arrays, typed arrays, nested XMP objects. */
export type RawBlock = Readonly<Record<string, unknown>>;

export function asBlock(value: unknown): RawBlock | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value)
    ? (value as RawBlock)
    : null;
}

/** Trimmed text (NUL padding removed), or null for empty and non-text values. */
export function text(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return String(value);
  }
  if (typeof value !== 'string') {
    return null;
  }
  const trimmed = value.replace(/\0+$/g, '').trim();
  return trimmed.length > 0 ? trimmed : null;
}

export function finiteNumber(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return value;
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView) && 'length' in value && value.length === 1) {
    return finiteNumber((value as unknown as ArrayLike<unknown>)[0]);
  }
  if (Array.isArray(value) && value.length === 1) {
    return finiteNumber(value[0]);
  }
  return null;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

const OFFSET_PATTERN = /^[+-](?:0\d|1[0-4]):[0-5]\d$/;

/** '+01:00' style offset, or null when absent or malformed. */
export function utcOffset(value: unknown): string | null {
  const candidate = text(value);
  return candidate !== null && OFFSET_PATTERN.test(candidate) ? candidate : null;
}

interface DateParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

function validParts(parts: DateParts): boolean {
  const { year, month, day, hour, minute, second } = parts;
  // Day-of-month is checked against the real calendar (in UTC, which has no gaps).
  const calendar = new Date(Date.UTC(year, month - 1, day));
  return (
    year >= 1800 &&
    calendar.getUTCFullYear() === year &&
    calendar.getUTCMonth() === month - 1 &&
    calendar.getUTCDate() === day &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 60
  );
}

function formatParts(parts: DateParts): string {
  const { year, month, day, hour, minute, second } = parts;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}`;
}

const EXIF_DATE_PATTERN = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;
const XMP_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

export interface LocalOrOffsetTime {
  /** ISO 8601; ends with the UTC offset when it is known. */
  readonly iso: string;
  readonly hasOffset: boolean;
}

/** EXIF 'YYYY:MM:DD HH:MM:SS' plus optional SubSecTime and OffsetTime tags. */
export function exifDateTime(value: unknown, subSeconds: unknown, offset: unknown): LocalOrOffsetTime | null {
  const match = EXIF_DATE_PATTERN.exec(text(value) ?? '');
  if (match === null) {
    return null;
  }
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const parts = { year, month, day, hour, minute, second };
  if (!validParts(parts)) {
    return null;
  }
  const fraction = text(subSeconds);
  const subSecondText = fraction !== null && /^\d{1,9}$/.test(fraction) ? `.${fraction}` : '';
  const zone = utcOffset(offset);
  return { iso: `${formatParts(parts)}${subSecondText}${zone ?? ''}`, hasOffset: zone !== null };
}

/** XMP dates are ISO 8601 already, with or without an offset; only the full date-time form is used. */
export function xmpDateTime(value: unknown): LocalOrOffsetTime | null {
  const match = XMP_DATE_PATTERN.exec(text(value) ?? '');
  if (match === null) {
    return null;
  }
  const [year, month, day, hour, minute] = match.slice(1, 6).map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = match[6] === undefined ? 0 : Number(match[6]);
  const parts = { year, month, day, hour, minute, second };
  if (!validParts(parts)) {
    return null;
  }
  const rawZone = match[8];
  const zone =
    rawZone === 'Z' ? '+00:00' : rawZone !== undefined && OFFSET_PATTERN.test(rawZone) ? rawZone : null;
  return { iso: `${formatParts(parts)}${match[7] ?? ''}${zone ?? ''}`, hasOffset: zone !== null };
}

/** Degrees from an EXIF [degrees, minutes, seconds] triple and its N/S/E/W reference. */
export function gpsCoordinate(
  value: unknown,
  reference: unknown,
  positive: string,
  max: number,
): number | null {
  const triple =
    Array.isArray(value) || ArrayBuffer.isView(value) ? Array.from(value as ArrayLike<unknown>) : [value];
  const [degrees, minutes = 0, seconds = 0] = triple.map(finiteNumber);
  if (degrees === null || degrees === undefined || minutes === null || seconds === null) {
    return null;
  }
  const magnitude = degrees + minutes / 60 + seconds / 3600;
  const ref = text(reference)?.toUpperCase() ?? positive;
  const signed = ref === positive ? magnitude : -magnitude;
  return Math.abs(signed) <= max ? signed : null;
}

/** GPS date stamp 'YYYY:MM:DD' plus time [h, m, s] (UTC by definition) as ISO 8601 with 'Z'. */
export function gpsTimestamp(dateStamp: unknown, timeStamp: unknown): string | null {
  const date = /^(\d{4})[:-](\d{2})[:-](\d{2})$/.exec(text(dateStamp) ?? '');
  const time = Array.isArray(timeStamp) ? timeStamp.map(finiteNumber) : [];
  if (date === null || time.length !== 3 || time.includes(null)) {
    return null;
  }
  const [hour, minute, second] = time as [number, number, number];
  const wholeSeconds = Math.floor(second);
  const parts = {
    year: Number(date[1]),
    month: Number(date[2]),
    day: Number(date[3]),
    hour,
    minute,
    second: wholeSeconds,
  };
  if (!validParts(parts) || !Number.isInteger(hour) || !Number.isInteger(minute)) {
    return null;
  }
  const milliseconds = Math.round((second - wholeSeconds) * 1000);
  const fraction = milliseconds > 0 ? `.${pad(Math.min(milliseconds, 999), 3)}` : '';
  return `${formatParts(parts)}${fraction}Z`;
}

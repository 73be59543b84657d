import type { JsonValue } from '#haven/sharing/vics/json-assembler.js';
import type { VicsCase, VicsMedia, VicsMediaFile, VicsProperty } from '#haven/sharing/vics/vics.types.js';

/** A record that is valid JSON but not a valid VICS media record: which record, which field, why. */
export class VicsRecordError extends Error {
  readonly recordNumber: number;
  readonly field: string;
  readonly reason: string;

  constructor(recordNumber: number, mediaId: string | null, field: string, reason: string) {
    super(
      recordNumber === 0
        ? `${field}: ${reason}`
        : `media record ${recordNumber}${mediaId !== null ? ` (MediaID ${mediaId})` : ''}, field ${field}: ${reason}`,
    );
    this.name = 'VicsRecordError';
    this.recordNumber = recordNumber;
    this.field = field;
    this.reason = reason;
  }
}

const HEX_LENGTHS = { md5: 32, sha1: 40, sha256: 64, pdq: 64 } as const;
/** Longest free-text value kept; longer ones are refused rather than truncated. */
const MAX_TEXT = 64 * 1024;
const MAX_PHOTODNA = 4096;
const US_CATEGORIES = /^[0-5]$/;
const MAX_CHILDREN = 10_000;

type Obj = { readonly [key: string]: JsonValue };

/** Looks up properties case-insensitively: exporters disagree on `MediaID` vs `MediaId`. */
class Fields {
  readonly #byLower = new Map<string, { key: string; value: JsonValue }>();
  readonly #fail: (field: string, reason: string) => never;
  readonly #prefix: string;

  constructor(object: Obj, prefix: string, fail: (field: string, reason: string) => never) {
    this.#prefix = prefix;
    this.#fail = fail;
    for (const [key, value] of Object.entries(object)) {
      const lower = key.toLowerCase();
      if (this.#byLower.has(lower)) {
        fail(prefix + key, `appears twice (as "${this.#byLower.get(lower)!.key}" and "${key}")`);
      }
      this.#byLower.set(lower, { key, value });
    }
  }

  raw(name: string): JsonValue | undefined {
    return this.#byLower.get(name.toLowerCase())?.value;
  }

  has(name: string): boolean {
    return this.#byLower.has(name.toLowerCase());
  }

  fail(name: string, reason: string): never {
    return this.#fail(this.#prefix + name, reason);
  }

  text(name: string, max = MAX_TEXT): string | null {
    const value = this.raw(name);
    if (value === undefined || value === null) {
      return null;
    }
    if (typeof value === 'number' || typeof value === 'boolean') {
      return String(value);
    }
    if (typeof value !== 'string') {
      this.fail(name, 'must be text');
    }
    if (value.length > max) {
      this.fail(name, `is ${value.length} characters long; at most ${max} are accepted`);
    }
    return value.length === 0 ? null : value;
  }

  bool(name: string): boolean | null {
    const value = this.raw(name);
    if (value === undefined || value === null || value === '') {
      return null;
    }
    if (typeof value === 'boolean') {
      return value;
    }
    if (typeof value === 'string') {
      const lower = value.trim().toLowerCase();
      if (lower === 'true' || lower === '1') {
        return true;
      }
      if (lower === 'false' || lower === '0') {
        return false;
      }
    }
    if (value === 1 || value === 0) {
      return value === 1;
    }
    return this.fail(
      name,
      `${JSON.stringify(value).slice(0, 40)} is not a boolean (true/false or "true"/"false")`,
    );
  }

  hex(
    name: string,
    kind: keyof typeof HEX_LENGTHS,
    value: JsonValue | undefined = this.raw(name),
  ): string | null {
    if (value === undefined || value === null) {
      return null;
    }
    if (typeof value !== 'string') {
      this.fail(name, `must be a ${HEX_LENGTHS[kind]}-digit hexadecimal string`);
    }
    const trimmed = value.trim().toLowerCase();
    if (trimmed.length === 0) {
      return null;
    }
    if (trimmed.length !== HEX_LENGTHS[kind] || !/^[0-9a-f]+$/.test(trimmed)) {
      this.fail(
        name,
        `${JSON.stringify(value.slice(0, 80))} is not a ${kind.toUpperCase()} hash ` +
          `(${HEX_LENGTHS[kind]} hexadecimal digits, found ${trimmed.length} characters)`,
      );
    }
    return trimmed;
  }

  array(name: string): Obj[] {
    const value = this.raw(name);
    if (value === undefined || value === null) {
      return [];
    }
    if (!Array.isArray(value)) {
      this.fail(name, 'must be an array');
    }
    if (value.length > MAX_CHILDREN) {
      this.fail(name, `has ${value.length} entries; at most ${MAX_CHILDREN} are accepted`);
    }
    return value.map((item, index) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        this.fail(`${name}[${index}]`, 'must be an object');
      }
      return item;
    });
  }
}

/** Which category codes a record may carry: VICS US (and 1.x) 0-5; other variants are configurable text. */
export type CategoryRule = 'us' | 'free';

/** Validates and normalises one media record (throws VicsRecordError naming the field). */
export function parseVicsMedia(record: JsonValue, recordNumber: number, categories: CategoryRule): VicsMedia {
  let mediaId: string | null = null;
  const fail = (field: string, reason: string): never => {
    throw new VicsRecordError(recordNumber, mediaId, field, reason);
  };
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    return fail('(record)', 'must be an object');
  }
  const f = new Fields(record, '', fail);
  const id = f.raw('MediaID');
  if (typeof id === 'number' && Number.isSafeInteger(id)) {
    mediaId = String(id);
  } else if (typeof id === 'string' && id.trim().length > 0 && id.length <= 200) {
    mediaId = id.trim();
  } else {
    fail(
      'MediaID',
      id === undefined || id === null
        ? 'is missing'
        : 'must be a number or non-empty text (at most 200 characters)',
    );
  }
  let sha256 = f.hex('SHA256', 'sha256');
  let pdq = f.hex('PDQ', 'pdq');
  let photoDna = f.text('PhotoDNA', MAX_PHOTODNA);
  const alternativeHashes: VicsProperty[] = [];
  f.array('AlternativeHashes').forEach((entry, index) => {
    const at = `AlternativeHashes[${index}].`;
    const alt: Fields = new Fields(entry, at, fail);
    const name = alt.text('HashName', 100);
    if (name === null) {
      alt.fail('HashName', 'is missing');
    }
    const normalised = name.replace(/[-_\s]/g, '').toLowerCase();
    const value = alt.raw('HashValue');
    if (normalised === 'pdq') {
      pdq = keepFirst(pdq, alt.hex('HashValue', 'pdq', value), () =>
        alt.fail('HashValue', 'a second PDQ hash'),
      );
    } else if (normalised === 'sha256') {
      sha256 = keepFirst(sha256, alt.hex('HashValue', 'sha256', value), () =>
        alt.fail('HashValue', 'a second SHA-256 hash'),
      );
    } else if (normalised === 'photodna') {
      photoDna = keepFirst(photoDna, alt.text('HashValue', MAX_PHOTODNA), () =>
        alt.fail('HashValue', 'a second PhotoDNA hash'),
      );
    } else {
      alternativeHashes.push({ name, value: alt.text('HashValue', 4096) });
    }
  });
  const md5 = f.hex('MD5', 'md5');
  const sha1 = f.hex('SHA1', 'sha1');
  if (md5 === null && sha1 === null && sha256 === null && pdq === null) {
    fail('MD5', 'no hash that can be matched: a record needs MD5, SHA1, SHA-256 or PDQ');
  }
  const category = parseCategory(f, categories);
  const size = f.raw('MediaSize');
  let mediaSize: number | null = null;
  if (size !== undefined && size !== null && size !== '') {
    const n = typeof size === 'string' ? Number(size.trim()) : size;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      fail('MediaSize', `${JSON.stringify(size).slice(0, 40)} is not a size in bytes`);
    }
    mediaSize = n as number;
  }
  return {
    mediaId: mediaId!,
    category,
    md5,
    sha1,
    sha256,
    pdq,
    photoDna,
    mediaSize,
    mimeType: f.text('MimeType', 200),
    relativeFilePath: f.text('RelativeFilePath'),
    dateUpdated: f.text('DateUpdated', 100),
    victimIdentified: f.bool('VictimIdentified'),
    offenderIdentified: f.bool('OffenderIdentified'),
    isDistributed: f.bool('IsDistributed'),
    isPrecategorized: f.bool('IsPrecategorized'),
    precategorizationSource: f.text('PrecategorizationSource'),
    isSuspected: f.bool('IsSuspected'),
    selfGenerated: f.bool('SelfGenerated'),
    series: f.text('Series'),
    tags: f.text('Tags'),
    comments: f.text('Comments'),
    baseline: f.bool('Baseline'),
    alternativeHashes,
    exifs: properties(f, 'Exifs'),
    mediaFiles: f
      .array('MediaFiles')
      .map((entry, index) => mediaFile(new Fields(entry, `MediaFiles[${index}].`, fail))),
  };
}

function keepFirst<T>(existing: T | null, next: T | null, twice: () => never): T | null {
  if (existing !== null && next !== null && existing !== next) {
    twice();
  }
  return existing ?? next;
}

function parseCategory(f: Fields, rule: CategoryRule): string | null {
  const value = f.raw('Category');
  if (value === undefined || value === null || value === '') {
    return null;
  }
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : null;
  if (text === null || text.length > 32) {
    return f.fail('Category', 'must be a category code (a number or short text)');
  }
  if (rule === 'us' && !US_CATEGORIES.test(text)) {
    return f.fail('Category', `${JSON.stringify(value)} is not a VICS US category (0-5)`);
  }
  return text;
}

function properties(f: Fields, name: string): VicsProperty[] {
  return f.array(name).map((entry, index) => {
    const p: Fields = new Fields(entry, `${name}[${index}].`, (field, reason) => f.fail(field, reason));
    const propertyName = p.text('PropertyName', 1000);
    if (propertyName === null) {
      p.fail('PropertyName', 'is missing');
    }
    return { name: propertyName, value: p.text('PropertyValue') };
  });
}

function mediaFile(f: Fields): VicsMediaFile {
  return {
    md5: f.hex('MD5', 'md5'),
    fileName: f.text('FileName'),
    filePath: f.text('FilePath'),
    created: f.text('Created', 100),
    written: f.text('Written', 100),
    accessed: f.text('Accessed', 100),
    unallocated: f.bool('Unallocated'),
    deleted: f.bool('Deleted'),
    parentMd5: f.hex('ParentMD5', 'md5'),
    parentFileName: f.text('ParentFileName'),
    parentFilePath: f.text('ParentFilePath'),
    physicalLocation: f.text('PhysicalLocation', 100),
    parentPhysicalLocation: f.text('ParentPhysicalLocation', 100),
    sourceId: f.text('SourceID', 1000),
  };
}

/** A case's own properties; a malformed one is reported against the case, not a record. */
export function parseVicsCase(fields: Readonly<Record<string, JsonValue>>, caseNumber: number): VicsCase {
  const fail = (field: string, reason: string): never => {
    throw new VicsRecordError(0, null, `case ${caseNumber} ${field}`, reason);
  };
  const f = new Fields(fields, '', fail);
  return {
    caseId: f.text('CaseID', 200),
    caseNumber: f.text('CaseNumber', 200),
    contactOrganization: f.text('ContactOrganization', 1000),
    contactName: f.text('ContactName', 1000),
    contactPhone: f.text('ContactPhone', 200),
    contactEmail: f.text('ContactEmail', 1000),
    contactTitle: f.text('ContactTitle', 1000),
    seizureDate: f.text('SeizureDate', 100),
    sourceApplicationName: f.text('SourceApplicationName', 1000),
    sourceApplicationVersion: f.text('SourceApplicationVersion', 200),
    caseMetadata: properties(f, 'CaseMetadata'),
  };
}

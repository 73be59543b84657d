import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export type ListHashType = 'md5' | 'sha1' | 'sha256' | 'pdq';

/** One line of a plain hash list, NSRL file or Haven CSV export. */
export interface ListRecord {
  readonly line: number;
  readonly md5: string | null;
  readonly sha1: string | null;
  readonly sha256: string | null;
  readonly pdq: string | null;
  readonly category: string | null;
  readonly baseline: boolean;
}

export class HashListError extends Error {
  constructor(line: number, reason: string) {
    super(`line ${line}: ${reason}`);
    this.name = 'HashListError';
  }
}

/** The first line of `haven hashset export --format pdq`: tells a reader the 64-digit values are PDQ. */
export const PDQ_LIST_HEADER = '# haven pdq list';
export const CSV_HEADER = 'md5,sha1,sha256,pdq,category,baseline';

const LENGTHS: Readonly<Record<ListHashType, number>> = { md5: 32, sha1: 40, sha256: 64, pdq: 64 };
const MAX_LINE = 64 * 1024;

/**
 * Reads hash lists line by line: one hash per line (type from `--hash-type`, else from its length,
 * 64 digits meaning SHA-256 unless the file starts with the PDQ list header), NSRL RDS files
 * (`"SHA-1","MD5",...` header) and Haven's CSV export. Comments (#) and blank lines are skipped.
 */
export async function* readHashList(
  input: Readable,
  hashType: ListHashType | null,
): AsyncGenerator<ListRecord[]> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let number = 0;
  let columns: Map<string, number> | null = null;
  let pdqList = hashType === 'pdq';
  let batch: ListRecord[] = [];
  for await (const raw of lines) {
    number += 1;
    if (raw.length > MAX_LINE) {
      throw new HashListError(number, `the line is longer than ${MAX_LINE} characters`);
    }
    if (raw.includes('\uFFFD')) {
      throw new HashListError(number, 'not valid UTF-8 text (mixed or legacy encoding?)');
    }
    const line = (number === 1 ? raw.replace(/^\uFEFF/, '') : raw).trim();
    if (line === PDQ_LIST_HEADER && number === 1) {
      pdqList = true;
      continue;
    }
    if (line.length === 0 || line.startsWith('#')) {
      continue;
    }
    if (columns === null && number === 1 && /[a-z]/i.test(line) && line.includes(',')) {
      const names = splitCsv(line).map((name) => name.toLowerCase().replace(/[^a-z0-9]/g, ''));
      if (!names.some((name) => name in LENGTHS || name === 'sha1' || name === 'sha256')) {
        throw new HashListError(number, 'a header without any hash column (md5, sha1, sha256, pdq)');
      }
      columns = new Map(names.map((name, index) => [name, index]));
      continue;
    }
    batch.push(
      columns ? fromColumns(number, splitCsv(line), columns) : fromBare(number, line, hashType, pdqList),
    );
    if (batch.length >= 1000) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) {
    yield batch;
  }
}

function fromBare(number: number, line: string, hashType: ListHashType | null, pdqList: boolean): ListRecord {
  const value = line.toLowerCase();
  if (!/^[0-9a-f]+$/.test(value)) {
    throw new HashListError(number, `${JSON.stringify(line.slice(0, 80))} is not a hexadecimal hash`);
  }
  let type = hashType;
  if (type === null) {
    type =
      value.length === 32
        ? 'md5'
        : value.length === 40
          ? 'sha1'
          : value.length === 64
            ? pdqList
              ? 'pdq'
              : 'sha256'
            : null;
  }
  if (type === null || value.length !== LENGTHS[type]) {
    throw new HashListError(
      number,
      `${value.length} hexadecimal digits is not ${type ? `a ${type.toUpperCase()} hash (${LENGTHS[type]})` : 'an MD5 (32), SHA-1 (40) or SHA-256 (64) hash'}`,
    );
  }
  return {
    line: number,
    md5: null,
    sha1: null,
    sha256: null,
    pdq: null,
    category: null,
    baseline: false,
    [type]: value,
  };
}

function fromColumns(number: number, cells: string[], columns: Map<string, number>): ListRecord {
  const cell = (name: string): string | null => {
    const index = columns.get(name);
    const value = index === undefined ? undefined : cells[index]?.trim();
    return value === undefined || value.length === 0 ? null : value;
  };
  const hash = (name: string, type: ListHashType): string | null => {
    const value = cell(name)?.toLowerCase() ?? null;
    if (value !== null && (value.length !== LENGTHS[type] || !/^[0-9a-f]+$/.test(value))) {
      throw new HashListError(
        number,
        `column ${name}: ${JSON.stringify(value.slice(0, 80))} is not a ${type.toUpperCase()} hash`,
      );
    }
    return value;
  };
  const record = {
    line: number,
    md5: hash('md5', 'md5'),
    sha1: hash('sha1', 'sha1'),
    sha256: hash('sha256', 'sha256'),
    pdq: hash('pdq', 'pdq'),
    category: cell('category'),
    baseline: /^(true|1|yes)$/i.test(cell('baseline') ?? ''),
  };
  if (!record.md5 && !record.sha1 && !record.sha256 && !record.pdq) {
    throw new HashListError(number, 'no hash on this line');
  }
  return record;
}

/** Splits one CSV line (double quotes, doubled quotes inside). */
export function splitCsv(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else {
      cell += c;
    }
  }
  cells.push(cell);
  return cells;
}

import { GENESIS_HASH, chainHash } from '#haven/audit/audit-chain.js';
import { auditRepository } from '#haven/audit/audit.repository.js';
import type { AuditRecord } from '#haven/audit/audit.types.js';
import type { Queryable } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

/**
 * What is wrong at the first place the chain breaks:
 * - edited: the row's content no longer gives its stored hash (or a row was rewritten with a
 *   recomputed hash, seen because its successor still points at the original);
 * - deleted: rows are missing (a gap in seq, or rows renumbered to close the gap);
 * - reordered: a genuine row sits at another place than the one it was written at;
 * - inserted: rows that are not part of the chain sit between two rows that are;
 * - truncated: the chain no longer reaches a row that a previous verify saw (`expectHead`).
 */
export type AuditProblemKind = 'edited' | 'deleted' | 'reordered' | 'inserted' | 'truncated';

export interface AuditProblem {
  /** The first row that is wrong (for 'deleted' and 'truncated': the first missing seq). */
  readonly seq: number;
  readonly kind: AuditProblemKind;
  readonly detail: string;
}

export interface AuditVerifyResult {
  readonly ok: boolean;
  /** Rows found intact, from the first, before the first problem (all of them when ok). */
  readonly rowsChecked: number;
  /** The last intact row: the chain's head when ok (0 and null for an empty chain). */
  readonly headSeq: number;
  readonly headHash: string | null;
  readonly firstProblem?: AuditProblem;
}

/** A head seen by an earlier verify: the chain must still contain exactly this row. */
export interface AuditAnchor {
  readonly seq: number;
  readonly hash: Buffer;
}

export interface VerifyOptions {
  readonly expectHead?: AuditAnchor | undefined;
  readonly pageSize?: number;
}

// How far from its place a renumbered row is looked for when its neighbours do not say.
const RENUMBER_WINDOW = 64;

/** Parses `SEQ:HASH` as printed by a previous verify. */
export function parseAnchor(text: string): AuditAnchor {
  const match = /^(\d{1,15}):([0-9a-fA-F]{64})$/.exec(text.trim());
  if (!match || Number(match[1]) < 1) {
    throw havenError('INVALID_ARGUMENT', {
      reason: `expected SEQ:HASH (a row number and a 64-digit hex SHA-256), got ${JSON.stringify(text)}`,
    });
  }
  return { seq: Number(match[1]), hash: Buffer.from(match[2]!, 'hex') };
}

export function formatAnchor(seq: number, hash: string): string {
  return `${seq}:${hash}`;
}

/**
 * Walks the whole chain in seq order, a page at a time, recomputing every hash, and stops at the
 * first problem, which it names as precisely as the chain allows.
 *
 * The chain alone cannot show that rows were cut off its end (what remains is still a valid chain):
 * pass the head printed by an earlier verify as `expectHead` to see that.
 */
export async function verifyAuditChain(
  db: Queryable,
  options: VerifyOptions = {},
): Promise<AuditVerifyResult> {
  const pageSize = options.pageSize ?? 1000;
  const anchor = options.expectHead;
  let previous: AuditRecord | undefined;
  let rowsChecked = 0;
  const result = (firstProblem?: AuditProblem): AuditVerifyResult => ({
    ok: firstProblem === undefined,
    rowsChecked,
    headSeq: previous?.seq ?? 0,
    headHash: previous ? previous.hash.toString('hex') : null,
    ...(firstProblem ? { firstProblem } : {}),
  });

  for (;;) {
    const rows = await auditRepository.page(db, previous?.seq ?? Number.MIN_SAFE_INTEGER, pageSize);
    for (const row of rows) {
      const problem = await checkRow(db, row, previous);
      if (problem) {
        return result(problem);
      }
      if (anchor && row.seq === anchor.seq && !row.hash.equals(anchor.hash)) {
        return result({
          seq: row.seq,
          kind: 'truncated',
          detail:
            `row ${row.seq} now has hash ${row.hash.toString('hex')}, not the expected ` +
            `${anchor.hash.toString('hex')}: the chain was cut back and grew again (or was rewritten) ` +
            'after the verify that printed that head',
        });
      }
      previous = row;
      rowsChecked += 1;
    }
    if (rows.length < pageSize) {
      break;
    }
  }
  const headSeq = previous?.seq ?? 0;
  if (anchor && anchor.seq > headSeq) {
    return result({
      seq: headSeq + 1,
      kind: 'truncated',
      detail:
        `the chain ends at row ${headSeq} but an earlier verify saw it reach row ${anchor.seq}: ` +
        `rows ${headSeq + 1}..${anchor.seq} were removed from its end`,
    });
  }
  return result();
}

async function checkRow(
  db: Queryable,
  row: AuditRecord,
  previous: AuditRecord | undefined,
): Promise<AuditProblem | undefined> {
  const expected = (previous?.seq ?? 0) + 1;
  if (row.seq < expected) {
    // Only possible for the first row: seq is a primary key read in order.
    return {
      seq: row.seq,
      kind: 'inserted',
      detail: `row ${row.seq} comes before the first row of the chain (seq 1)`,
    };
  }
  if (row.seq > expected) {
    const missing = expected === row.seq - 1 ? `row ${expected} is` : `rows ${expected}..${row.seq - 1} are`;
    return {
      seq: expected,
      kind: 'deleted',
      detail: `${missing} missing: ${previous ? `row ${previous.seq}` : 'the start of the chain'} is followed by row ${row.seq}`,
    };
  }
  const recomputed = chainHash(row);
  if (!recomputed.equals(row.hash)) {
    const writtenAs = await originalSeq(db, row);
    if (writtenAs === undefined) {
      return {
        seq: row.seq,
        kind: 'edited',
        detail:
          `row ${row.seq} was changed after it was written: its stored hash is ${row.hash.toString('hex')}, ` +
          `its content gives ${recomputed.toString('hex')}`,
      };
    }
    return misplaced(db, row, previous, writtenAs);
  }
  const expectedPrev = previous?.hash ?? GENESIS_HASH;
  if (!row.prevHash.equals(expectedPrev)) {
    if (!previous) {
      return {
        seq: row.seq,
        kind: 'edited',
        detail:
          `the genesis was changed: row ${row.seq} is chained to ${row.prevHash.toString('hex')} ` +
          'instead of the genesis hash (32 zero bytes)',
      };
    }
    return misplaced(db, row, previous, row.seq);
  }
  return undefined;
}

/**
 * A genuine row (its hash is right for seq `writtenAs`) that does not follow the row before it:
 * finds where the row it was chained to went, to tell deletion, insertion and reordering apart.
 */
async function misplaced(
  db: Queryable,
  row: AuditRecord,
  previous: AuditRecord | undefined,
  writtenAs: number,
): Promise<AuditProblem> {
  const renumbered = writtenAs === row.seq ? '' : ` (written as row ${writtenAs})`;
  const before = previous?.seq ?? 0;
  const predecessor = row.prevHash.equals(GENESIS_HASH)
    ? 0
    : await auditRepository.seqOfHash(db, row.prevHash);
  if (predecessor === undefined) {
    if (writtenAs === row.seq && previous) {
      // The row is where it was written, but the row before it is not the one it was chained to.
      return {
        seq: previous.seq,
        kind: 'edited',
        detail:
          `row ${previous.seq} was replaced or rewritten with a recomputed hash: row ${row.seq} is chained ` +
          `to ${row.prevHash.toString('hex')}, which no row has any more`,
      };
    }
    return {
      seq: before + 1,
      kind: 'deleted',
      detail:
        `row ${row.seq}${renumbered} is chained to a row that no longer exists: rows were deleted ` +
        `${previous ? `after row ${previous.seq}` : 'at the start of the chain'} and the later rows renumbered`,
    };
  }
  if (predecessor < before) {
    // The rows in between passed every check, so they form a valid branch of their own from the
    // predecessor: forged rows added with recomputed hashes.
    const first = predecessor + 1;
    return {
      seq: first,
      kind: 'inserted',
      detail:
        `${first === before ? `row ${first} was` : `rows ${first}..${before} were`} inserted: ` +
        `row ${row.seq}${renumbered} is chained directly to row ${predecessor}`,
    };
  }
  if (predecessor === before) {
    return {
      seq: row.seq,
      kind: 'reordered',
      detail: `row ${row.seq} was renumbered: it was written as row ${writtenAs}`,
    };
  }
  return {
    seq: row.seq,
    kind: 'reordered',
    detail: `row ${row.seq}${renumbered} belongs after row ${predecessor}, not after row ${before}`,
  };
}

/**
 * The seq a row's hash was computed with, when that is not its current one (the row was moved):
 * the place its chain neighbours point to, else a search near its current place.
 */
async function originalSeq(db: Queryable, row: AuditRecord): Promise<number | undefined> {
  const candidates = new Set<number>();
  const predecessor = row.prevHash.equals(GENESIS_HASH)
    ? 0
    : await auditRepository.seqOfHash(db, row.prevHash);
  if (predecessor !== undefined) {
    candidates.add(predecessor + 1);
  }
  const successor = await auditRepository.seqOfPrevHash(db, row.hash);
  if (successor !== undefined) {
    candidates.add(successor - 1);
  }
  for (let distance = 1; distance <= RENUMBER_WINDOW; distance += 1) {
    candidates.add(row.seq + distance);
    candidates.add(row.seq - distance);
  }
  for (const seq of candidates) {
    if (seq >= 1 && seq !== row.seq && chainHash({ ...row, seq }).equals(row.hash)) {
      return seq;
    }
  }
  return undefined;
}

import type { Actor } from '#haven/access/actor.js';
import { auditService } from '#haven/audit/audit.service.js';
import type { Probe } from '#haven/matching/triage.types.js';
import type { Database, Queryable } from '#haven/platform/db/database.js';
import { hex } from '#haven/platform/db/bytes.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import {
  feedbackReviewRepository,
  type FeedbackRow,
  type ReviewAction,
} from '#haven/sharing/feedback-review/feedback-review.repository.js';
import type { HashSetMatcher } from '#haven/sharing/hash-set-matcher.js';
import { hashSetRepository } from '#haven/sharing/hash-set.repository.js';
import { hashSetService } from '#haven/sharing/hash-set.service.js';

export const FEEDBACK_STATUSES = ['open', 'reviewed', 'all'] as const;
export type FeedbackStatus = (typeof FEEDBACK_STATUSES)[number];

/** A provider's report about a hash of this set, as its owners review it. */
export interface FeedbackItem {
  readonly id: number;
  readonly provider: string;
  readonly type: string;
  readonly value: string;
  readonly verdict: 'confirmed' | 'false_positive';
  readonly note: string | null;
  readonly receivedAt: Date;
  /** How the reported hash matches the set today (null: no longer, e.g. after a negative-bank move). */
  readonly match: { readonly match: 'exact' | 'near'; readonly distance: number } | null;
  readonly review: FeedbackRow['review'];
}

const SCAN_PAGE = 500;
const MAX_SCANNED = 20_000;

/**
 * Provider feedback (confirmed / false positive) per hash set, and what investigators decide about
 * it: a PDQ false positive can go to the set's negative bank; any report can be confirmed or
 * dismissed. Feedback never changes a set by itself; every decision is audited.
 */
export class FeedbackReviewService {
  readonly #db: Database;
  readonly #matcher: HashSetMatcher;

  constructor(deps: { db: Database; hashSets: HashSetMatcher }) {
    this.#db = deps.db;
    this.#matcher = deps.hashSets;
  }

  /** Reports concerning the set (matching one of its entries, or reviewed for it), newest first. */
  async list(
    setName: string,
    options: { status: FeedbackStatus; limit: number; before?: number | undefined },
  ): Promise<{ items: FeedbackItem[]; next: number | null }> {
    const set = await hashSetService.get(this.#db, setName);
    const items: FeedbackItem[] = [];
    let before = options.before ?? null;
    let scanned = 0;
    for (;;) {
      const page = await feedbackReviewRepository.page(this.#db, set.id, before, SCAN_PAGE);
      for (const row of page) {
        before = row.id;
        scanned += 1;
        if (options.status === 'open' && row.review) {
          continue;
        }
        if (options.status === 'reviewed' && !row.review) {
          continue;
        }
        const match = await this.#matchOf(this.#db, set.name, row);
        if (match || row.review) {
          items.push(itemOf(row, match));
          if (items.length === options.limit) {
            return { items, next: row.id };
          }
        }
      }
      if (page.length < SCAN_PAGE) {
        return { items, next: null };
      }
      if (scanned >= MAX_SCANNED) {
        return { items, next: before };
      }
    }
  }

  async review(
    actor: Actor,
    setName: string,
    feedbackId: number,
    input: { action: ReviewAction; note?: string | undefined },
    context: { requestId?: string; clientIp?: string } = {},
  ): Promise<FeedbackItem> {
    const note = input.note?.trim() || null;
    return this.#db.transaction(async (tx) => {
      const set = await hashSetService.get(tx, setName);
      const row = await feedbackReviewRepository.get(tx, set.id, feedbackId);
      const match = row ? await this.#matchOf(tx, set.name, row) : null;
      if (!row || (!match && !row.review)) {
        throw havenError('NOT_FOUND');
      }
      if (row.review) {
        throw havenError('CONFLICT', {
          reason: `feedback ${feedbackId} was already reviewed for ${set.name}`,
        });
      }
      if (input.action === 'negative_bank') {
        if (row.verdict !== 'false_positive' || row.signal !== 'pdq') {
          throw havenError('INVALID_ARGUMENT', {
            reason:
              'only a PDQ reported as a false positive can go to the negative bank (an exact hash that is wrong is an error in the set: correct the set)',
          });
        }
        const reason = `provider feedback ${feedbackId} (${row.provider})${note ? `: ${note}` : ''}`;
        if (
          await hashSetRepository.addNegative(
            tx,
            set.id,
            Buffer.from(row.value),
            reason.slice(0, 1000),
            actor.name,
          )
        ) {
          await hashSetRepository.bumpRevision(tx, set.id, null);
        }
      }
      await feedbackReviewRepository.insertReview(tx, {
        feedbackId,
        setId: set.id,
        action: input.action,
        note,
        by: actor.name,
      });
      await auditService.record(tx, {
        actor,
        action: 'hashset.feedback_review',
        outcome: 'ok',
        objectType: 'hash_set',
        objectId: set.id,
        ...context,
        details: {
          name: set.name,
          feedback: feedbackId,
          provider: row.provider,
          type: row.signal,
          value: hex(row.value),
          verdict: row.verdict,
          action: input.action,
        },
      });
      const reviewed = await feedbackReviewRepository.get(tx, set.id, feedbackId);
      return itemOf(reviewed!, match);
    });
  }

  async #matchOf(db: Queryable, setName: string, row: FeedbackRow): Promise<FeedbackItem['match']> {
    const value = new Uint8Array(row.value);
    const probe: Probe =
      row.signal === 'pdq'
        ? {
            exact: [],
            perceptual: [{ signal: 'pdq', quality: 100, variants: [{ name: 'original', bytes: value }] }],
          }
        : { exact: [{ signal: row.signal, value }], perceptual: [] };
    const found = (await this.#matcher.match(db, probe)).find((m) => m.list === setName);
    return found ? { match: found.match, distance: found.distance } : null;
  }
}

function itemOf(row: FeedbackRow, match: FeedbackItem['match']): FeedbackItem {
  return {
    id: row.id,
    provider: row.provider,
    type: row.signal,
    value: hex(row.value),
    verdict: row.verdict,
    note: row.note,
    receivedAt: row.receivedAt,
    match,
    review: row.review,
  };
}

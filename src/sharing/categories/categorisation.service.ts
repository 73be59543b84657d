import type { Actor } from '#haven/access/actor.js';
import { auditService } from '#haven/audit/audit.service.js';
import type { Probe } from '#haven/matching/triage.types.js';
import { signalValuesService } from '#haven/matching/signal-values.service.js';
import { mediaService } from '#haven/media/media.service.js';
import type { Database, Queryable } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import {
  baselineAllowed,
  classOf,
  compareClaims,
  isCode,
  type CategoryScheme,
  type CategoryVerdict,
} from '#haven/sharing/categories/crosswalk.js';
import {
  categorisationRepository,
  type Categorisation,
} from '#haven/sharing/categories/categorisation.repository.js';
import type { HashSetMatcher } from '#haven/sharing/hash-set-matcher.js';

export interface CategoryView {
  readonly history: readonly Categorisation[];
  /** Each source's current view (the latest decision per person, each matching hash set) and whether they agree. */
  readonly verdict: CategoryVerdict;
}

/** Per-medium categorisation by authorised people, with its history, compared with the hash sets' views. */
export class CategorisationService {
  readonly #db: Database;
  readonly #hashSets: HashSetMatcher;

  constructor(deps: { db: Database; hashSets: HashSetMatcher }) {
    this.#db = deps.db;
    this.#hashSets = deps.hashSets;
  }

  async categorise(
    actor: Actor,
    mediaId: string,
    input: { scheme: CategoryScheme; code: string; baseline: boolean; note?: string | undefined },
    context: { requestId?: string; clientIp?: string } = {},
  ): Promise<CategoryView> {
    const code = input.code.toUpperCase();
    if (!isCode(input.scheme, code)) {
      throw havenError('VALIDATION_FAILED', {
        issues: `body.code: ${input.code} is not a ${input.scheme} category`,
      });
    }
    if (input.baseline && !baselineAllowed(classOf(input.scheme, code))) {
      throw havenError('VALIDATION_FAILED', {
        issues: 'body.baseline: INTERPOL Baseline applies only to child sexual abuse material',
      });
    }
    await mediaService.visibleDetail(this.#db, actor, mediaId);
    await this.#db.transaction(async (tx) => {
      await categorisationRepository.insert(tx, {
        mediaId,
        scheme: input.scheme,
        code,
        baseline: input.baseline,
        note: input.note ?? null,
        by: actor.name,
        agencyId: actor.agencyId,
      });
      await auditService.record(tx, {
        actor,
        action: 'media.categorise',
        outcome: 'ok',
        objectType: 'media',
        objectId: mediaId,
        ...context,
        details: { scheme: input.scheme, code, baseline: input.baseline },
      });
    });
    return this.view(this.#db, actor, mediaId);
  }

  async view(db: Queryable, actor: Actor, mediaId: string): Promise<CategoryView> {
    await mediaService.visibleDetail(db, actor, mediaId);
    const history = await categorisationRepository.historyOfMedia(db, mediaId);
    const latest = new Map<string, Categorisation>();
    for (const decision of history) {
      latest.set(decision.decidedBy, decision);
    }
    const values = await signalValuesService.valuesOf(db, mediaId);
    const probe: Probe = {
      exact: values.filter((v) => v.signal !== 'pdq').map((v) => ({ signal: v.signal, value: v.value })),
      perceptual: [],
    };
    const lists = await this.#hashSets.match(db, probe);
    const verdict = compareClaims([
      ...[...latest.values()].map((d) => ({
        source: `person ${d.decidedBy}`,
        scheme: d.scheme,
        code: d.code,
        baseline: d.baseline,
      })),
      ...lists
        .filter((list) => list.purpose === 'known')
        .map((list) => ({
          source: `hash set ${list.list}`,
          scheme: list.scheme,
          code: list.category,
          baseline: list.baseline,
        })),
    ]);
    return { history, verdict };
  }
}

import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import type { Actor } from '#haven/access/actor.js';
import { auditService } from '#haven/audit/audit.service.js';
import type { Database } from '#haven/platform/db/database.js';
import { hex } from '#haven/platform/db/bytes.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import { classOf, CLASSES, type CategoryClass } from '#haven/sharing/categories/crosswalk.js';
import { suppressed, type HashSetMatcher } from '#haven/sharing/hash-set-matcher.js';
import {
  matchHashes,
  type ProviderHash,
  type ProviderResult,
} from '#haven/sharing/provider/provider-match.js';
import { providerRepository, type ProviderKeyRecord } from '#haven/sharing/provider/provider.repository.js';

export const KEY_PREFIX = 'hvp_';

export interface CallContext {
  readonly requestId?: string | undefined;
  readonly clientIp?: string | undefined;
}

export interface ExportedHash {
  readonly md5: string | null;
  readonly sha1: string | null;
  readonly pdq: string | null;
  readonly classification?: CategoryClass;
  readonly baseline?: boolean;
  readonly deleted: boolean;
}

const hashKey = (key: string): Buffer => createHash('sha256').update(key).digest();

/** How an organisation's key appears in the audit log: never as a user, never with an agency. */
function providerActor(key: ProviderKeyRecord): Actor {
  return {
    kind: 'token',
    userId: null,
    agencyId: null,
    name: `provider:${key.provider.name}/${key.keyName}`,
    roles: [],
    permissions: new Set(),
    allAgencies: false,
  };
}

/**
 * The hash-only API for online service providers. Provider keys are a credential of their own
 * (not user API tokens): they belong to an organisation, not a person, carry no permission over
 * cases or media, and reach nothing but matching, the entitled hash list and feedback. Every call,
 * allowed or refused, is audited.
 */
export class ProviderService {
  readonly #db: Database;
  readonly #hashSets: HashSetMatcher;
  readonly #cursorKey: Buffer;

  constructor(deps: { db: Database; hashSets: HashSetMatcher; secretsKey: Buffer }) {
    this.#db = deps.db;
    this.#hashSets = deps.hashSets;
    this.#cursorKey = Buffer.from(
      hkdfSync('sha256', deps.secretsKey, Buffer.alloc(0), 'haven provider cursor v1', 32),
    );
  }

  async createOrg(
    input: { name: string; classifications: readonly string[]; baselineOnly: boolean },
    actor: Actor,
  ): Promise<void> {
    for (const cls of input.classifications) {
      if (!(CLASSES as readonly string[]).includes(cls)) {
        throw havenError('INVALID_ARGUMENT', {
          reason: `unknown classification ${cls} (known: ${CLASSES.join(', ')})`,
        });
      }
    }
    await this.#db.transaction(async (tx) => {
      if (await providerRepository.orgByName(tx, input.name)) {
        throw havenError('CONFLICT', { reason: `provider organisation ${input.name} exists already` });
      }
      const id = await providerRepository.createOrg(tx, { ...input, by: actor.name });
      await auditService.record(tx, {
        actor,
        action: 'provider.create',
        outcome: 'ok',
        objectType: 'provider',
        objectId: id,
        details: {
          name: input.name,
          classifications: input.classifications,
          baselineOnly: input.baselineOnly,
        },
      });
    });
  }

  /** Issues a key; its text is shown once and only its hash is kept. */
  async issueKey(
    input: { provider: string; name: string; requestsPerMinute: number; days: number },
    actor: Actor,
  ): Promise<{ key: string; expiresAt: Date }> {
    if (
      !Number.isInteger(input.requestsPerMinute) ||
      input.requestsPerMinute < 1 ||
      input.requestsPerMinute > 100_000
    ) {
      throw havenError('INVALID_ARGUMENT', {
        reason: 'requests per minute must be a whole number from 1 to 100000',
      });
    }
    if (!Number.isInteger(input.days) || input.days < 1 || input.days > 3660) {
      throw havenError('INVALID_ARGUMENT', { reason: 'a key lives 1 to 3660 days' });
    }
    const key = KEY_PREFIX + randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + input.days * 86_400_000);
    await this.#db.transaction(async (tx) => {
      const org = await providerRepository.orgByName(tx, input.provider);
      if (!org) {
        throw havenError('PROVIDER_NOT_FOUND', { name: input.provider });
      }
      const id = await providerRepository.insertKey(tx, {
        providerId: org.id,
        name: input.name,
        hash: hashKey(key),
        requestsPerMinute: input.requestsPerMinute,
        expiresAt,
      });
      await auditService.record(tx, {
        actor,
        action: 'provider.key.issue',
        outcome: 'ok',
        objectType: 'provider_key',
        objectId: id,
        details: { provider: org.name, name: input.name, requestsPerMinute: input.requestsPerMinute },
      });
    });
    return { key, expiresAt };
  }

  async revokeKey(input: { provider: string; name: string }, actor: Actor): Promise<number> {
    return this.#db.transaction(async (tx) => {
      const org = await providerRepository.orgByName(tx, input.provider);
      if (!org) {
        throw havenError('PROVIDER_NOT_FOUND', { name: input.provider });
      }
      const revoked = await providerRepository.revokeKey(tx, org.id, input.name);
      await auditService.record(tx, {
        actor,
        action: 'provider.key.revoke',
        outcome: 'ok',
        objectType: 'provider',
        objectId: org.id,
        details: { name: input.name, revoked },
      });
      return revoked;
    });
  }

  /** Recognises the key and counts the call against its per-minute limit (refusals are audited). */
  async authenticate(
    authorization: string | undefined,
    action: string,
    context: CallContext,
  ): Promise<ProviderKeyRecord> {
    const match = /^Bearer\s+(hvp_[A-Za-z0-9_-]{20,100})\s*$/.exec(authorization ?? '');
    const key = match ? await providerRepository.keyByHash(this.#db, hashKey(match[1]!)) : undefined;
    if (!key) {
      await this.#db.transaction((tx) =>
        auditService.record(tx, {
          actor: null,
          action,
          outcome: 'denied',
          ...context,
          details: { reason: 'no valid provider key' },
        }),
      );
      throw havenError('PROVIDER_KEY_INVALID');
    }
    const usage = await providerRepository.countCall(this.#db, key.keyId);
    if (usage.calls > key.requestsPerMinute) {
      await this.#db.transaction((tx) =>
        auditService.record(tx, {
          actor: providerActor(key),
          action,
          outcome: 'denied',
          ...context,
          details: { reason: 'rate limit', limit: key.requestsPerMinute },
        }),
      );
      throw havenError('RATE_LIMITED', { retryAfter: usage.secondsLeft });
    }
    return key;
  }

  #entitled(key: ProviderKeyRecord, classification: CategoryClass, baseline: boolean): boolean {
    return key.provider.classifications.includes(classification) && (!key.provider.baselineOnly || baseline);
  }

  async match(
    key: ProviderKeyRecord,
    hashes: readonly ProviderHash[],
    context: CallContext,
  ): Promise<ProviderResult[]> {
    const sets = await this.#hashSets.sets(this.#db);
    const maxDistance = this.#hashSets.maxDistance;
    const results = matchHashes(
      sets.held,
      hashes,
      maxDistance,
      (hit, probe) =>
        hit.info.purpose === 'known' &&
        hit.info.providerShared &&
        this.#entitled(key, hit.info.classification, hit.info.baseline) &&
        (hit.type !== 'pdq' || !suppressed(sets.negatives, hit.info.setId, probe, maxDistance)),
    );
    const matched = results.filter((r) => r.result === 'match').length;
    await this.#db.transaction((tx) =>
      auditService.record(tx, {
        actor: providerActor(key),
        action: 'provider.match',
        outcome: 'ok',
        objectType: 'provider',
        objectId: key.provider.id,
        ...context,
        details: { hashes: hashes.length, matched },
      }),
    );
    return results;
  }

  /**
   * The hash list the provider is entitled to, oldest change first, a page at a time. Without
   * `since`: every current entry. With `since`: additions, changes and deletions after it.
   */
  async exportPage(
    key: ProviderKeyRecord,
    query: { since: Date | null; cursor: string | null; limit: number },
    context: CallContext,
  ): Promise<{ hashes: ExportedHash[]; next: string | null }> {
    const position = query.cursor
      ? this.#openCursor(query.cursor, query.since)
      : { at: '1970-01-01 00:00:00+00', id: 0 };
    const rows = await providerRepository.changesAfter(this.#db, position, query.since, query.limit);
    const hashes: ExportedHash[] = [];
    for (const row of rows) {
      const classification = classOf(row.scheme, row.category);
      const entitled = this.#entitled(key, classification, row.baseline);
      const hashesOf = {
        md5: row.md5 ? hex(row.md5) : null,
        sha1: row.sha1 ? hex(row.sha1) : null,
        pdq: row.pdq ? hex(row.pdq) : null,
      };
      if (row.removed) {
        hashes.push({ ...hashesOf, deleted: true });
      } else if (entitled) {
        hashes.push({ ...hashesOf, classification, baseline: row.baseline, deleted: false });
      } else if (query.since) {
        // Recategorised out of the entitlement: for this provider it is a deletion.
        hashes.push({ ...hashesOf, deleted: true });
      }
    }
    const last = rows[rows.length - 1];
    const next =
      rows.length === query.limit && last
        ? this.#sealCursor({ at: last.changedAt, id: last.id }, query.since)
        : null;
    await this.#db.transaction((tx) =>
      auditService.record(tx, {
        actor: providerActor(key),
        action: 'provider.export',
        outcome: 'ok',
        objectType: 'provider',
        objectId: key.provider.id,
        ...context,
        details: { since: query.since?.toISOString() ?? null, returned: hashes.length },
      }),
    );
    return { hashes, next };
  }

  async feedback(
    key: ProviderKeyRecord,
    items: readonly {
      type: string;
      value: string;
      verdict: 'confirmed' | 'false_positive';
      note?: string | undefined;
    }[],
    context: CallContext,
  ): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await providerRepository.insertFeedback(
        tx,
        key.provider.id,
        items.map((item) => ({
          signal: item.type,
          value: Buffer.from(item.value, 'hex'),
          verdict: item.verdict,
          note: item.note ?? null,
        })),
      );
      await auditService.record(tx, {
        actor: providerActor(key),
        action: 'provider.feedback',
        outcome: 'ok',
        objectType: 'provider',
        objectId: key.provider.id,
        ...context,
        details: {
          items: items.length,
          falsePositives: items.filter((item) => item.verdict === 'false_positive').length,
        },
      });
    });
  }

  /** Cursors are sealed: they carry a position in Haven's tables, which providers must not see. */
  #sealCursor(position: { at: string; id: number }, since: Date | null): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#cursorKey, iv);
    const body = Buffer.concat([
      cipher.update(
        JSON.stringify({
          t: position.at,
          i: position.id,
          s: since?.toISOString() ?? null,
        }),
      ),
      cipher.final(),
    ]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  #openCursor(cursor: string, since: Date | null): { at: string; id: number } {
    try {
      const bytes = Buffer.from(cursor, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', this.#cursorKey, bytes.subarray(0, 12));
      decipher.setAuthTag(bytes.subarray(12, 28));
      const text = Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
      const parsed = JSON.parse(text) as { t: string; i: number; s: string | null };
      if (parsed.s !== (since?.toISOString() ?? null)) {
        throw new Error('cursor of another query');
      }
      return { at: parsed.t, id: parsed.i };
    } catch {
      throw havenError('VALIDATION_FAILED', {
        issues: 'query: cursor is not one this server issued for this query',
      });
    }
  }
}

import type { Haven } from '#haven/app/haven.js';
import { describeError } from '#haven/platform/errors/haven-error.js';

export interface ReadinessState {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, { readonly ok: boolean; readonly detail: string }>>;
}

/**
 * Ready means: the database answers (migrations ran before the server started) and the match
 * indexes are loaded and have been brought up to date recently.
 */
export class Readiness {
  readonly #haven: Haven;
  readonly #maxIndexAgeMs: number;
  #lastIndexRefresh = 0;
  #lastRefreshError: string | null = null;

  constructor(haven: Haven) {
    this.#haven = haven;
    this.#maxIndexAgeMs = haven.config.server.indexRefreshSeconds * 3000 + 2000;
  }

  noteIndexRefreshed(): void {
    this.#lastIndexRefresh = Date.now();
    this.#lastRefreshError = null;
  }

  noteIndexRefreshFailed(error: unknown): void {
    this.#lastRefreshError = describeError(error);
  }

  async check(): Promise<ReadinessState> {
    let database = { ok: true, detail: 'reachable, migrated' };
    try {
      await this.#haven.db.query('SELECT 1 FROM schema_migrations LIMIT 1');
    } catch (error) {
      database = { ok: false, detail: describeError(error) };
    }
    const age = Date.now() - this.#lastIndexRefresh;
    const indexCurrent = this.#lastIndexRefresh > 0 && age <= this.#maxIndexAgeMs;
    const index = {
      ok: indexCurrent,
      detail: indexCurrent
        ? `pdq index with ${this.#haven.indexes.size('pdq')} hashes, refreshed ${Math.round(age / 1000)} s ago`
        : (this.#lastRefreshError ?? 'index not loaded or stale'),
    };
    return { ready: database.ok && index.ok, checks: { database, index } };
  }
}

import type { Actor } from '#haven/access/actor.js';

export type AuditOutcome = 'ok' | 'denied' | 'failed';

/** One thing worth recording: who did what to which object, how it ended, from where. */
export interface AuditEvent {
  /** null: nobody signed in (e.g. a failed login). */
  readonly actor: Actor | null;
  /** Dotted verb, e.g. 'auth.login', 'media.preview.clear', 'case.sharing.change'. */
  readonly action: string;
  readonly outcome: AuditOutcome;
  readonly objectType?: string | undefined;
  readonly objectId?: string | undefined;
  readonly requestId?: string | undefined;
  readonly clientIp?: string | undefined;
  /** Small, non-sensitive facts (never passwords, codes, tokens or image content). */
  readonly details?: Readonly<Record<string, unknown>> | undefined;
  /** For failed logins: the name that was tried (no actor exists). */
  readonly attemptedName?: string | undefined;
  /**
   * The agency an actorless event belongs to (e.g. a failed login for a known user), so that its
   * administrators see it. Ignored when there is an actor: rows belong to the actor's agency.
   */
  readonly agencyId?: string | null | undefined;
}

/** A stored audit row. */
export interface AuditRecord {
  readonly seq: number;
  readonly at: Date;
  readonly actorKind: 'user' | 'token' | 'system' | 'anonymous';
  readonly actorId: string | null;
  readonly actorName: string | null;
  readonly agencyId: string | null;
  readonly action: string;
  readonly outcome: AuditOutcome;
  readonly objectType: string | null;
  readonly objectId: string | null;
  readonly requestId: string | null;
  readonly clientIp: string | null;
  readonly details: Readonly<Record<string, unknown>>;
  readonly prevHash: Buffer;
  readonly hash: Buffer;
}

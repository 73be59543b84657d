import { scryptParams, type ScryptParams } from '#haven/accounts/password-hash.js';
import type { Config } from '#haven/platform/config/config.schema.js';

/** What the accounts services need from the configuration, in the units they use. */
export interface AccountSettings {
  /** Seals TOTP secrets and keys the recovery-code hashes. */
  readonly secretsKey: Buffer;
  readonly password: ScryptParams;
  readonly secureCookies: boolean;
  readonly sessionIdleMs: number;
  readonly sessionAbsoluteMs: number;
  readonly lockoutThreshold: number;
  readonly lockoutMs: number;
  readonly loginFailuresPerAddress: number;
  /** The clock (tests move it; everything else takes the real one). */
  now(): Date;
}

/** Window over which failures per client address are counted. */
export const ADDRESS_WINDOW_MS = 15 * 60_000;

/** last_seen_at / last_used_at are written at most this often: a read should rarely write. */
export const TOUCH_INTERVAL_MS = 60_000;

export function accountSettings(
  config: Config,
  secretsKey: Buffer,
  now: () => Date = () => new Date(),
): AccountSettings {
  if (secretsKey.length !== 32) {
    throw new Error('The secrets key must be 32 bytes');
  }
  const { server } = config;
  return {
    secretsKey,
    password: scryptParams(server.passwordCost),
    secureCookies: server.secureCookies,
    sessionIdleMs: server.sessionIdleMinutes * 60_000,
    sessionAbsoluteMs: server.sessionAbsoluteHours * 3_600_000,
    lockoutThreshold: server.lockoutThreshold,
    lockoutMs: server.lockoutMinutes * 60_000,
    loginFailuresPerAddress: server.loginFailuresPerAddress,
    now,
  };
}

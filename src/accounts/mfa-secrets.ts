import { createHmac, randomBytes } from 'node:crypto';
import { base32Encode } from '#haven/accounts/base32.js';
import { openSecret, sealSecret } from '#haven/accounts/secret-box.js';
import type { MfaSecrets } from '#haven/accounts/user.types.js';

/** 160 bits, the length RFC 4226 recommends for HMAC-SHA1 secrets. */
const SECRET_BYTES = 20;
export const RECOVERY_CODE_COUNT = 10;

const context = (userId: string): string => `haven mfa v1:${userId}`;

export function newTotpSecret(): Buffer {
  return randomBytes(SECRET_BYTES);
}

export function sealMfaSecrets(key: Buffer, userId: string, secrets: MfaSecrets): Buffer {
  const payload = JSON.stringify({
    active: secrets.active?.toString('hex') ?? null,
    pending: secrets.pending?.toString('hex') ?? null,
  });
  return sealSecret(key, Buffer.from(payload, 'utf8'), context(userId));
}

/** The user's secrets; none when nothing is stored or the value does not open under this key. */
export function openMfaSecrets(key: Buffer, userId: string, sealed: Buffer | null): MfaSecrets {
  const none = { active: null, pending: null };
  if (!sealed) {
    return none;
  }
  const plain = openSecret(key, sealed, context(userId));
  if (!plain) {
    return none;
  }
  const parsed = JSON.parse(plain.toString('utf8')) as { active: string | null; pending: string | null };
  return {
    active: parsed.active === null ? null : Buffer.from(parsed.active, 'hex'),
    pending: parsed.pending === null ? null : Buffer.from(parsed.pending, 'hex'),
  };
}

/**
 * Ten codes of 80 random bits each, shown as xxxx-xxxx-xxxx-xxxx. Their entropy makes a keyed
 * SHA-256 a sufficient hash (no slow hash needed), keyed so the database alone cannot test guesses.
 */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () =>
    (base32Encode(randomBytes(10)).toLowerCase().match(/.{4}/g) ?? []).join('-'),
  );
}

export function recoveryCodeHash(key: Buffer, userId: string, code: string): Buffer {
  const normalised = code.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
  return createHmac('sha256', key).update(`haven recovery v1:${userId}:${normalised}`).digest();
}

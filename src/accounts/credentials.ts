import { createHash, randomBytes } from 'node:crypto';

/**
 * Bearer secrets: session cookies and API tokens are 32 random bytes; only their SHA-256 is
 * stored, so a copy of the database does not yield a usable credential. (A fast hash is right
 * here: unlike passwords, these secrets cannot be guessed.)
 */
export const TOKEN_PREFIX = 'hvn_';
const SECRET = /^[A-Za-z0-9_-]{43}$/;
const API_TOKEN = /^hvn_[A-Za-z0-9_-]{43}$/;

export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Whether a cookie value could be one Haven issued (saves a query for garbage). */
export function looksLikeSessionId(value: string): boolean {
  return SECRET.test(value);
}

export function newApiToken(): string {
  return `${TOKEN_PREFIX}${randomSecret()}`;
}

export function looksLikeApiToken(value: string): boolean {
  return API_TOKEN.test(value);
}

/**
 * The token of an `Authorization: Bearer <token>` header ('' when malformed: a Bearer header always
 * decides who the caller is); undefined for other schemes, which Haven ignores.
 */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer(?:[ \t]+(.*))?$/i.exec(authorization ?? '');
  return match ? (match[1] ?? '').trim() : undefined;
}

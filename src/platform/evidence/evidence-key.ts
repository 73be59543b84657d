import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { havenError } from '#haven/platform/errors/haven-error.js';

export interface EvidenceKey {
  readonly key: Buffer;
  /** First 8 bytes of a hash of the key: written into every blob so a wrong key is named, not guessed. */
  readonly id: Buffer;
  readonly source: 'config' | 'file' | 'generated';
}

export interface EvidenceKeySettings {
  readonly evidenceKey?: string | undefined;
  readonly evidenceKeyFile?: string | undefined;
  readonly dataDir: string;
}

export const DEFAULT_KEY_FILE = path.join('keys', 'evidence.key');

/**
 * The key that encrypts originals and previews at rest: from configuration, from a key file, or
 * generated into the data directory on first start (the caller warns: a key next to the data only
 * protects against loss of the blob files alone).
 */
export function loadEvidenceKey(settings: EvidenceKeySettings): EvidenceKey {
  if (settings.evidenceKey !== undefined) {
    return withId(parseKey(settings.evidenceKey, 'HAVEN_EVIDENCE_KEY'), 'config');
  }
  if (settings.evidenceKeyFile !== undefined) {
    return withId(readKeyFile(settings.evidenceKeyFile), 'file');
  }
  const file = path.join(settings.dataDir, DEFAULT_KEY_FILE);
  if (existsSync(file)) {
    return withId(readKeyFile(file), 'file');
  }
  const key = randomBytes(32);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return withId(key, 'generated');
}

function readKeyFile(file: string): Buffer {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw havenError('EVIDENCE_KEY_INVALID', { reason: `cannot read ${file}: ${(error as Error).message}` });
  }
  return parseKey(text, file);
}

/** Accepts 32 bytes as 64 hex digits or as base64. */
export function parseKey(text: string, origin: string): Buffer {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) {
    return Buffer.from(trimmed, 'hex');
  }
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    const decoded = Buffer.from(trimmed, 'base64');
    if (decoded.length === 32) {
      return decoded;
    }
  }
  throw havenError('EVIDENCE_KEY_INVALID', {
    reason: `${origin} must hold 32 bytes as 64 hex digits or base64`,
  });
}

function withId(key: Buffer, source: EvidenceKey['source']): EvidenceKey {
  const id = createHash('sha256').update('haven evidence key id\0').update(key).digest().subarray(0, 8);
  return { key, id, source };
}

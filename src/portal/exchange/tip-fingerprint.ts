import { createHash } from 'node:crypto';

/**
 * The same words about the same appeal, whatever the case, spacing or punctuation: how both the
 * portal (refusing a resend) and the inbox (suggesting a merge) recognise a duplicate.
 */
export function tipFingerprint(appealPublicId: string, body: string): string {
  const normalised = body
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return createHash('sha256').update(`${appealPublicId}\n${normalised}`).digest('hex');
}

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Small secrets at rest (TOTP seeds): AES-256-GCM under the server's secrets key. The context
 * (e.g. the user id) is authenticated data, so a sealed value copied into another row does not open.
 * Layout: version (1 byte) | nonce (12) | tag (16) | ciphertext.
 */
const VERSION = 1;
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;

export function sealSecret(key: Buffer, plaintext: Buffer, context: string): Buffer {
  const nonce = randomBytes(NONCE_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), nonce, cipher.getAuthTag(), ciphertext]);
}

/** The plaintext, or undefined when the value was altered, sealed for another context or key. */
export function openSecret(key: Buffer, sealed: Uint8Array, context: string): Buffer | undefined {
  const bytes = Buffer.from(sealed);
  if (bytes.length < 1 + NONCE_LENGTH + TAG_LENGTH || bytes[0] !== VERSION) {
    return undefined;
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(1, 1 + NONCE_LENGTH));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(bytes.subarray(1 + NONCE_LENGTH, 1 + NONCE_LENGTH + TAG_LENGTH));
    return Buffer.concat([decipher.update(bytes.subarray(1 + NONCE_LENGTH + TAG_LENGTH)), decipher.final()]);
  } catch {
    return undefined;
  }
}

import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashes: scrypt with a random salt, encoded with their parameters
 * (`scrypt$ln=15,r=8,p=1$<salt>$<hash>`, base64) so the cost can be raised later and old hashes
 * still verify (and are upgraded at the next sign-in).
 */
export interface ScryptParams {
  /** log2 of N. */
  readonly ln: number;
  readonly r: number;
  readonly p: number;
}

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const ENCODED =
  /^scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

export function scryptParams(ln: number): ScryptParams {
  return { ln, r: 8, p: 1 };
}

function derive(password: string, salt: Buffer, params: ScryptParams, length: number): Promise<Buffer> {
  const options: ScryptOptions = {
    N: 2 ** params.ln,
    r: params.r,
    p: params.p,
    // Node's default (32 MiB) is exactly what N=2^15, r=8 needs, and the check is not inclusive.
    maxmem: 256 * 2 ** params.ln * params.r + 1024 * 1024,
  };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, options, (error, key) => {
      if (error) {
        reject(error);
      } else {
        resolve(key);
      }
    });
  });
}

export async function hashPassword(password: string, params: ScryptParams): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, params, KEY_LENGTH);
  return `scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** The parameters of an encoded hash, or undefined when it is not one Haven wrote. */
export function parsedParams(encoded: string): ScryptParams | undefined {
  const match = ENCODED.exec(encoded);
  return match ? { ln: Number(match[1]), r: Number(match[2]), p: Number(match[3]) } : undefined;
}

/** Constant-time check; a malformed stored hash never verifies. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const match = ENCODED.exec(encoded);
  if (!match) {
    return false;
  }
  const params = { ln: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  // Bounds keep a tampered row from making the server allocate gigabytes.
  if (params.ln < 1 || params.ln > 20 || params.r < 1 || params.r > 32 || params.p < 1 || params.p > 16) {
    return false;
  }
  const salt = Buffer.from(match[4]!, 'base64');
  const expected = Buffer.from(match[5]!, 'base64');
  if (expected.length < 16) {
    return false;
  }
  const actual = await derive(password, salt, params, expected.length);
  return timingSafeEqual(actual, expected);
}

/** Whether a hash was made with a lower cost than the one configured now. */
export function needsRehash(encoded: string, params: ScryptParams): boolean {
  const current = parsedParams(encoded);
  return current === undefined || current.ln < params.ln || current.r < params.r || current.p < params.p;
}

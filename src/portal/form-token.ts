import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The tip form's challenge, without third parties and without JavaScript: the server signs
 * (appeal, time issued, nonce) into the form. A tip is accepted when its token is authentic, for
 * this appeal, unused, younger than the maximum age, and either the form was open long enough for
 * a person to write (bots post at once), or the browser solved a small proof of work with
 * JavaScript (sha256(token:counter) starts with `bits` zero bits).
 */
export class FormTokens {
  private readonly key = randomBytes(32);
  private readonly used = new Map<string, number>();

  constructor(private readonly options: { minSeconds: number; maxAgeSeconds: number; powBits: number }) {}

  get powBits(): number {
    return this.options.powBits;
  }

  issue(appealPublicId: string, now = Date.now()): string {
    const payload = `${appealPublicId}.${now.toString(36)}.${randomBytes(9).toString('base64url')}`;
    return `${payload}.${this.sign(payload)}`;
  }

  /** 'ok', or why the token fails; a valid token is spent by this call. */
  check(
    token: string,
    appealPublicId: string,
    pow: string,
    now = Date.now(),
  ): 'ok' | 'invalid' | 'too_fast' | 'expired' | 'used' {
    const parts = token.split('.');
    if (parts.length !== 4) {
      return 'invalid';
    }
    const [appeal, issued, nonce, signature] = parts as [string, string, string, string];
    const payload = `${appeal}.${issued}.${nonce}`;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected) || appeal !== appealPublicId) {
      return 'invalid';
    }
    const ageSeconds = (now - parseInt(issued, 36)) / 1000;
    if (!Number.isFinite(ageSeconds) || ageSeconds > this.options.maxAgeSeconds || ageSeconds < -5) {
      return 'expired';
    }
    this.forgetOld(now);
    if (this.used.has(nonce)) {
      return 'used';
    }
    if (ageSeconds < this.options.minSeconds && !solved(token, pow, this.options.powBits)) {
      return 'too_fast';
    }
    this.used.set(nonce, now);
    return 'ok';
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }

  private forgetOld(now: number): void {
    for (const [nonce, at] of this.used) {
      if (now - at <= this.options.maxAgeSeconds * 1000) {
        break;
      }
      this.used.delete(nonce);
    }
  }
}

/** Whether sha256(`token:counter`) starts with `bits` zero bits. */
export function solved(token: string, counter: string, bits: number): boolean {
  if (!/^\d{1,12}$/.test(counter)) {
    return false;
  }
  const digest = createHash('sha256').update(`${token}:${counter}`).digest();
  for (let bit = 0; bit < bits; bit += 1) {
    if ((digest[bit >> 3]! >> (7 - (bit & 7))) & 1) {
      return false;
    }
  }
  return true;
}

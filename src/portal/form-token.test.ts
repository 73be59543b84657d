import { describe, expect, it } from 'vitest';
import { FormTokens, solved } from '#haven/portal/form-token.js';
import { languageFromHeader } from '#haven/portal/i18n/messages.js';

const APPEAL = 'abcdefghij012345';
const tokens = (): FormTokens => new FormTokens({ minSeconds: 4, maxAgeSeconds: 7200, powBits: 8 });

function powFor(token: string, bits: number): string {
  for (let counter = 0; ; counter += 1) {
    if (solved(token, String(counter), bits)) {
      return String(counter);
    }
  }
}

describe('tip form tokens', () => {
  it('accept a form after the minimum time, once', () => {
    const issuer = tokens();
    const issued = 1_000_000;
    const token = issuer.issue(APPEAL, issued);
    expect(issuer.check(token, APPEAL, '', issued + 3_000)).toBe('too_fast');
    expect(issuer.check(token, APPEAL, '', issued + 4_500)).toBe('ok');
    expect(issuer.check(token, APPEAL, '', issued + 5_000)).toBe('used');
  });

  it('accept a form at once with a solved proof of work, not with a wrong one', () => {
    const issuer = tokens();
    const token = issuer.issue(APPEAL, 0);
    const good = powFor(token, 8);
    const bad = String(Number(good) + 1);
    expect(solved(token, bad, 8) ? 'skip' : issuer.check(token, APPEAL, bad, 10)).not.toBe('ok');
    expect(issuer.check(token, APPEAL, good, 10)).toBe('ok');
    expect(issuer.check(token, APPEAL, 'not-a-number', 10)).toBe('used');
  });

  it('refuse tampered, foreign, expired and malformed tokens', () => {
    const issuer = tokens();
    const token = issuer.issue(APPEAL, 0);
    const [appeal, issued, nonce, signature] = token.split('.') as [string, string, string, string];
    expect(
      issuer.check(
        `${appeal}.${(Number.parseInt(issued, 36) + 1).toString(36)}.${nonce}.${signature}`,
        APPEAL,
        '',
        10_000,
      ),
    ).toBe('invalid');
    expect(issuer.check(token, 'zzzzzzzzzzzzzzzz', '', 10_000)).toBe('invalid');
    expect(tokens().check(token, APPEAL, '', 10_000)).toBe('invalid');
    expect(issuer.check(token, APPEAL, '', 7_201_000)).toBe('expired');
    for (const junk of ['', '....', 'a.b.c', `${token}.x`, '\u0000'.repeat(10)]) {
      expect(issuer.check(junk, APPEAL, '', 10_000)).toBe('invalid');
    }
  });
});

describe('the visitor language', () => {
  it('follows Accept-Language by weight, falling back to English', () => {
    expect(languageFromHeader('de-AT,de;q=0.9,en;q=0.8')).toBe('de');
    expect(languageFromHeader('pt-BR,pt;q=0.9,es;q=0.5,fr;q=0.7')).toBe('fr');
    expect(languageFromHeader('it, *;q=0.1')).toBe('en');
    expect(languageFromHeader('fr;q=0, es')).toBe('es');
    expect(languageFromHeader(undefined)).toBe('en');
    expect(languageFromHeader(';;;,,,q=abc')).toBe('en');
  });
});

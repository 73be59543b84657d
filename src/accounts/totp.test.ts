import { describe, expect, it } from 'vitest';
import { hotp, matchTotp, otpauthUri, totpCode, totpStep } from './totp.js';

const RFC_SECRET = Buffer.from('12345678901234567890');

describe('HOTP (RFC 4226 appendix D)', () => {
  const expected = [
    '755224',
    '287082',
    '359152',
    '969429',
    '338314',
    '254676',
    '287922',
    '162583',
    '399871',
    '520489',
  ];
  it.each(expected.map((code, counter) => [counter, code] as const))(
    'counter %i gives %s',
    (counter, code) => {
      expect(hotp(RFC_SECRET, counter)).toBe(code);
    },
  );
});

describe('TOTP (RFC 6238 appendix B, SHA-1)', () => {
  const vectors: [number, string][] = [
    [59, '94287082'],
    [1_111_111_109, '07081804'],
    [1_111_111_111, '14050471'],
    [1_234_567_890, '89005924'],
    [2_000_000_000, '69279037'],
    [20_000_000_000, '65353130'],
  ];
  it.each(vectors)('at %i s gives %s (8 digits), and its last 6 with 6 digits', (seconds, code) => {
    expect(totpCode(RFC_SECRET, seconds * 1000, 8)).toBe(code);
    expect(totpCode(RFC_SECRET, seconds * 1000)).toBe(code.slice(2));
  });
});

describe('matchTotp', () => {
  const now = 1_700_000_015_000;
  const step = totpStep(now);
  const at = (offset: number): string => totpCode(RFC_SECRET, now + offset * 30_000);

  it('accepts the current step and one either side, and says which', () => {
    expect(matchTotp(RFC_SECRET, at(0), now, 0)).toBe(step);
    expect(matchTotp(RFC_SECRET, at(-1), now, 0)).toBe(step - 1);
    expect(matchTotp(RFC_SECRET, at(1), now, 0)).toBe(step + 1);
  });

  it('refuses codes two steps away', () => {
    expect(matchTotp(RFC_SECRET, at(-2), now, 0)).toBeUndefined();
    expect(matchTotp(RFC_SECRET, at(2), now, 0)).toBeUndefined();
  });

  it('refuses a step already used, even inside the window (replay)', () => {
    expect(matchTotp(RFC_SECRET, at(0), now, step)).toBeUndefined();
    expect(matchTotp(RFC_SECRET, at(-1), now, step)).toBeUndefined();
    expect(matchTotp(RFC_SECRET, at(1), now, step)).toBe(step + 1);
  });

  it('refuses anything but six digits', () => {
    expect(matchTotp(RFC_SECRET, ` ${at(0)}`, now, 0)).toBeUndefined();
    expect(matchTotp(RFC_SECRET, '12345', now, 0)).toBeUndefined();
    expect(matchTotp(RFC_SECRET, 'abcdef', now, 0)).toBeUndefined();
  });

  it('writes the otpauth URI authenticator apps read', () => {
    expect(otpauthUri('JBSWY3DPEHPK3PXP', 'j.doe', 'Haven')).toBe(
      'otpauth://totp/Haven:j.doe?secret=JBSWY3DPEHPK3PXP&issuer=Haven&algorithm=SHA1&digits=6&period=30',
    );
  });
});

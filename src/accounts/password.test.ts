import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, parsedParams, scryptParams, verifyPassword } from './password-hash.js';
import { passwordProblem } from './password-policy.js';

describe('password hashes', () => {
  it('verify the right password only, with a random salt each time', async () => {
    const params = scryptParams(10);
    const first = await hashPassword('correct battery horse staple', params);
    const second = await hashPassword('correct battery horse staple', params);
    expect(first).toMatch(/^scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(first).not.toBe(second);
    expect(await verifyPassword('correct battery horse staple', first)).toBe(true);
    expect(await verifyPassword('correct battery horse stapl', first)).toBe(false);
    expect(await verifyPassword('', first)).toBe(false);
  });

  it('keep their parameters, so the cost can be raised and old hashes still verify', async () => {
    const old = await hashPassword('a long enough passphrase', scryptParams(10));
    expect(parsedParams(old)).toEqual({ ln: 10, r: 8, p: 1 });
    expect(needsRehash(old, scryptParams(15))).toBe(true);
    expect(needsRehash(old, scryptParams(10))).toBe(false);
    expect(await verifyPassword('a long enough passphrase', old)).toBe(true);
  });

  it('uses the production cost (N = 2^15) within the default memory limit', async () => {
    const hash = await hashPassword('a long enough passphrase', scryptParams(15));
    expect(await verifyPassword('a long enough passphrase', hash)).toBe(true);
  });

  it('never verifies malformed or tampered hashes', async () => {
    expect(await verifyPassword('x', 'plain')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$ln=40,r=8,p=1$AAAA$AAAAAAAAAAAAAAAAAAAAAA==')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$ln=10,r=8,p=1$AAAA$AAAA')).toBe(false);
  });
});

describe('password policy', () => {
  it.each([
    ['short1!', 'at least 12 characters'],
    ['aaaaaaaaaaaaaaaa', 'single character'],
    ['abababababababab', 'too few different characters'],
    ['my-name-is-j.doe-ok', 'username'],
    ['J.DOE-and-more-text', 'username'],
    ['password1234', 'most common'],
    ['Password2024!', 'most common'],
    ['P@ssw0rd12345', 'most common'],
    ['qwertyuiopasdf', 'most common'],
    ['123456789012', 'most common'],
    ['abcdefghijklmnop', 'most common'],
  ])('refuses %j (%s)', (password, reason) => {
    expect(passwordProblem(password, 'j.doe')).toContain(reason);
  });

  it.each([
    'purple elephants walk quietly',
    'Tr0ub4dor&3-extended',
    'vier Wörter für Sicherheit',
    '9z!Kq2#mLp7$',
  ])('accepts %j', (password) => {
    expect(passwordProblem(password, 'j.doe')).toBeUndefined();
  });

  it('counts characters as people do', () => {
    expect(passwordProblem('ééééééééééé1', 'x')).toBeUndefined();
    expect(passwordProblem('éééééééééé1', 'x')).toContain('12 characters');
  });
});

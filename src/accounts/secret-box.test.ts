import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openMfaSecrets, recoveryCodeHash, newRecoveryCodes, sealMfaSecrets } from './mfa-secrets.js';
import { openSecret, sealSecret } from './secret-box.js';

const key = randomBytes(32);

describe('sealed secrets', () => {
  it('open only with the same key and context', () => {
    const sealed = sealSecret(key, Buffer.from('seed'), 'user-1');
    expect(openSecret(key, sealed, 'user-1')?.toString()).toBe('seed');
    expect(openSecret(key, sealed, 'user-2')).toBeUndefined();
    expect(openSecret(randomBytes(32), sealed, 'user-1')).toBeUndefined();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] = tampered.at(-1)! ^ 1;
    expect(openSecret(key, tampered, 'user-1')).toBeUndefined();
    expect(sealed.includes(Buffer.from('seed'))).toBe(false);
  });

  it('keep the active and pending TOTP secrets of one user', () => {
    const secrets = { active: randomBytes(20), pending: null };
    const sealed = sealMfaSecrets(key, 'u', secrets);
    expect(openMfaSecrets(key, 'u', sealed)).toEqual(secrets);
    expect(openMfaSecrets(key, 'v', sealed)).toEqual({ active: null, pending: null });
  });

  it('make ten distinct recovery codes whose hash ignores case and dashes', () => {
    const codes = newRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    expect(codes[0]).toMatch(/^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);
    const code = codes[0]!;
    expect(recoveryCodeHash(key, 'u', code.toUpperCase().replace(/-/g, ' '))).toEqual(
      recoveryCodeHash(key, 'u', code),
    );
    expect(recoveryCodeHash(key, 'v', code)).not.toEqual(recoveryCodeHash(key, 'u', code));
  });
});

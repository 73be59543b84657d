import { describe, expect, it } from 'vitest';
import { isHavenError } from '#haven/platform/errors/haven-error.js';
import { pdqDistance, pdqFromHex, pdqToHex } from './pdq-hex.js';

const BRIDGE_CORE = 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22';
const BRIDGE_TOOL = 'd8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22';

function expectInvalid(text: string): void {
  let caught: unknown;
  try {
    pdqFromHex(text);
  } catch (error) {
    caught = error;
  }
  expect(isHavenError(caught, 'INVALID_HASH')).toBe(true);
}

describe('PDQ hex form', () => {
  it('is the bytes of the hex text, byte 0 = bits 255..248', () => {
    const bytes = pdqFromHex(BRIDGE_CORE);
    expect(bytes).toHaveLength(32);
    expect(bytes[0]).toBe(0xf8);
    expect(bytes[31]).toBe(0x22);
    expect(pdqToHex(bytes)).toBe(BRIDGE_CORE);
  });

  it('accepts upper case and surrounding whitespace, and prints lower case', () => {
    expect(pdqToHex(pdqFromHex(`  ${BRIDGE_CORE.toUpperCase()}\n`))).toBe(BRIDGE_CORE);
  });

  it('round-trips random hashes', () => {
    for (let n = 0; n < 100; n++) {
      const bytes = Uint8Array.from({ length: 32 }, () => Math.floor(Math.random() * 256));
      expect(pdqFromHex(pdqToHex(bytes))).toEqual(bytes);
    }
  });

  it('rejects anything but exactly 64 hex digits with INVALID_HASH', () => {
    expectInvalid('');
    expectInvalid(BRIDGE_CORE.slice(1));
    expectInvalid(`${BRIDGE_CORE}0`);
    expectInvalid(`${BRIDGE_CORE.slice(1)}g`);
    expectInvalid(`0x${BRIDGE_CORE.slice(2)}`);
    expectInvalid(`${BRIDGE_CORE.slice(0, 32)} ${BRIDGE_CORE.slice(33)}`);
  });

  it('names the signal in the error', () => {
    expect(() => pdqFromHex('xyz')).toThrow(/Invalid pdq hash/);
  });
});

describe('PDQ distance', () => {
  it('is 6 between the bridge core and CLI hashes (vectors/README.md)', () => {
    expect(pdqDistance(pdqFromHex(BRIDGE_CORE), pdqFromHex(BRIDGE_TOOL))).toBe(6);
  });

  it('is 0 to 256 and counts every differing bit', () => {
    const zero = new Uint8Array(32);
    const ones = new Uint8Array(32).fill(0xff);
    expect(pdqDistance(zero, zero)).toBe(0);
    expect(pdqDistance(zero, ones)).toBe(256);
    for (let bit = 0; bit < 256; bit++) {
      const one = new Uint8Array(32);
      one[bit >> 3] = 1 << (bit & 7);
      expect(pdqDistance(zero, one)).toBe(1);
      expect(pdqDistance(one, ones)).toBe(255);
    }
  });

  it('agrees with a bit-by-bit count on random pairs, including unaligned views', () => {
    const backing = new Uint8Array(70);
    for (let n = 0; n < 200; n++) {
      for (let i = 0; i < backing.length; i++) {
        backing[i] = Math.floor(Math.random() * 256);
      }
      const a = backing.subarray(1, 33);
      const b = backing.subarray(37, 69);
      let expected = 0;
      for (let i = 0; i < 32; i++) {
        for (let x = a[i]! ^ b[i]!; x !== 0; x >>= 1) {
          expected += x & 1;
        }
      }
      expect(pdqDistance(a, b)).toBe(expected);
    }
  });

  it('rejects values that are not 32 bytes', () => {
    expect(() => pdqDistance(new Uint8Array(31), new Uint8Array(32))).toThrow(/Invalid pdq hash/);
  });
});

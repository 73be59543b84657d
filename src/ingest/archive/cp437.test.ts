import { describe, expect, it } from 'vitest';
import { decodeCp437 } from '#haven/ingest/archive/cp437.js';

/** Bytes 0x80..0xFF as Python's `bytes(range(128, 256)).decode('cp437')` gives them (an independent reference). */
const REFERENCE_HIGH_HALF =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

describe('decodeCp437', () => {
  it('decodes the upper half exactly as the reference code page 437 table', () => {
    const high = Uint8Array.from({ length: 128 }, (_, i) => 0x80 + i);
    expect(decodeCp437(high)).toBe(REFERENCE_HIGH_HALF);
  });

  it('maps each of the 256 bytes to exactly one character, all distinct', () => {
    const all = decodeCp437(Uint8Array.from({ length: 256 }, (_, i) => i));
    const chars = Array.from(all); // code points: every CP437 character is one
    expect(chars).toHaveLength(256);
    expect(new Set(chars).size).toBe(256);
  });

  it('passes ASCII through unchanged, including path separators and dots', () => {
    expect(decodeCp437(Buffer.from('photos/2019/../IMG_0001.JPG\\x', 'ascii'))).toBe(
      'photos/2019/../IMG_0001.JPG\\x',
    );
  });

  it('decodes a typical DOS-era German name', () => {
    // "Übersicht Größe.txt" written by an old zip tool in CP437.
    const bytes = Buffer.from([
      0x9a, 0x62, 0x65, 0x72, 0x73, 0x69, 0x63, 0x68, 0x74, 0x20, 0x47, 0x72, 0x94, 0xe1, 0x65, 0x2e, 0x74,
      0x78, 0x74,
    ]);
    expect(decodeCp437(bytes)).toBe('Übersicht Größe.txt');
  });

  it('keeps a NUL byte as U+0000 (so that safety checks can see it)', () => {
    expect(decodeCp437(Uint8Array.from([0x61, 0x00, 0x62]))).toBe('a\0b');
  });

  it('decodes nothing to the empty string', () => {
    expect(decodeCp437(new Uint8Array(0))).toBe('');
  });
});

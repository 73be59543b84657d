import { describe, expect, it } from 'vitest';
import { displayPathOf } from '#haven/ingest/walk/display-path.js';

const show = (...bytes: number[]): string => displayPathOf(Uint8Array.from(bytes));

describe('displayPathOf', () => {
  it('shows printable ASCII unchanged', () => {
    expect(displayPathOf(Buffer.from('/evidence/disk 1/IMG_0001.JPG'))).toBe('/evidence/disk 1/IMG_0001.JPG');
  });

  it('keeps valid multibyte UTF-8: accents, CJK, emoji', () => {
    for (const name of ['café', '写真/東京.jpg', 'фото', '📷🏖️.png', 'a\u{10ffff}b']) {
      expect(displayPathOf(Buffer.from(name, 'utf8'))).toBe(name);
    }
  });

  it('writes every byte that is not valid UTF-8 as \\xNN (Latin-1, Shift-JIS names)', () => {
    expect(displayPathOf(Buffer.from('caf\xe9.jpg', 'latin1'))).toBe('caf\\xe9.jpg');
    // "テスト" in Shift-JIS: lead bytes 0x83 are not UTF-8, the trail bytes are ASCII letters.
    expect(show(0x83, 0x65, 0x83, 0x58, 0x83, 0x67)).toBe('\\x83e\\x83X\\x83g');
    expect(show(0xff, 0xfe)).toBe('\\xff\\xfe');
  });

  it('uses two lower-case hex digits per escaped byte', () => {
    expect(show(0x01)).toBe('\\x01');
    expect(show(0xab)).toBe('\\xab');
  });

  it('escapes C0 control characters but keeps tab', () => {
    expect(displayPathOf(Buffer.from('a\nb\rc\x1b[31md\x00e', 'latin1'))).toBe(
      'a\\x0ab\\x0dc\\x1b[31md\\x00e',
    );
    expect(displayPathOf(Buffer.from('a\tb'))).toBe('a\tb');
  });

  it('escapes DEL and C1 control characters (U+0080..U+009F) byte by byte', () => {
    expect(show(0x61, 0x7f, 0x62)).toBe('a\\x7fb');
    // U+009B is the 8-bit CSI that some terminals honour; U+0085 is NEL, a line break for many readers.
    expect(show(0x61, 0xc2, 0x9b, 0x62)).toBe('a\\xc2\\x9bb');
    expect(show(0xc2, 0x85)).toBe('\\xc2\\x85');
    // U+00A0 (no-break space) is the first non-control character after them: kept.
    expect(show(0xc2, 0xa0)).toBe('\u00a0');
  });

  it('escapes overlong encodings', () => {
    expect(show(0xc0, 0xaf)).toBe('\\xc0\\xaf'); // "/" in two bytes
    expect(show(0xc1, 0xbf)).toBe('\\xc1\\xbf');
    expect(show(0xe0, 0x80, 0xaf)).toBe('\\xe0\\x80\\xaf'); // "/" in three bytes
    expect(show(0xe0, 0x9f, 0xbf)).toBe('\\xe0\\x9f\\xbf');
    expect(show(0xf0, 0x80, 0x80, 0xaf)).toBe('\\xf0\\x80\\x80\\xaf'); // "/" in four bytes
    expect(show(0xf0, 0x8f, 0xbf, 0xbf)).toBe('\\xf0\\x8f\\xbf\\xbf');
  });

  it('escapes UTF-16 surrogates encoded as UTF-8 (CESU-8) and code points above U+10FFFF', () => {
    expect(show(0xed, 0xa0, 0x80)).toBe('\\xed\\xa0\\x80'); // U+D800
    expect(show(0xed, 0xbf, 0xbf)).toBe('\\xed\\xbf\\xbf'); // U+DFFF
    expect(show(0xed, 0x9f, 0xbf)).toBe('\u{d7ff}'); // the last code point before them is fine
    expect(show(0xf4, 0x90, 0x80, 0x80)).toBe('\\xf4\\x90\\x80\\x80'); // U+110000
    expect(show(0xf5, 0x80, 0x80, 0x80)).toBe('\\xf5\\x80\\x80\\x80');
  });

  it('escapes truncated sequences and stray continuation bytes without eating what follows', () => {
    expect(show(0xe6, 0x97, 0x41)).toBe('\\xe6\\x97A'); // 3-byte lead, one continuation, then "A"
    expect(show(0xf0, 0x9f, 0x93)).toBe('\\xf0\\x9f\\x93'); // emoji cut at the end
    expect(show(0x80, 0x41, 0xbf)).toBe('\\x80A\\xbf');
    // A valid character right after a broken one is still shown as text.
    expect(show(0xc3, 0xc3, 0xa9)).toBe('\\xc3é');
  });

  it('shows a literal backslash as typed (the raw bytes, not the text, are the identity)', () => {
    expect(displayPathOf(Buffer.from('C:\\x41\\dir'))).toBe('C:\\x41\\dir');
    expect(show(0x41)).toBe('A');
  });

  it('shows an empty name as an empty string', () => {
    expect(displayPathOf(new Uint8Array(0))).toBe('');
  });
});

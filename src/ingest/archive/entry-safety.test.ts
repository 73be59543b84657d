import { describe, expect, it } from 'vitest';
import { unsafeEntryReason } from '#haven/ingest/archive/entry-safety.js';

describe('unsafeEntryReason', () => {
  it('accepts ordinary relative names', () => {
    for (const name of [
      'IMG_0001.JPG',
      'a/b/c.jpg',
      'dir/',
      '..hidden',
      'a..b/c',
      '.../x',
      'a/./b',
      'name..',
      'C/x.jpg',
      '写真/東京.jpg',
    ]) {
      expect(unsafeEntryReason(name), name).toBeUndefined();
    }
  });

  it('refuses absolute paths, with forward or backward slashes', () => {
    expect(unsafeEntryReason('/etc/passwd')).toBe('absolute path "/etc/passwd"');
    expect(unsafeEntryReason('\\Windows\\win.ini')).toBe('absolute path "\\\\Windows\\\\win.ini"');
    expect(unsafeEntryReason('//server/share/x')).toBe('absolute path "//server/share/x"');
  });

  it('refuses drive-letter paths, absolute or drive-relative, in either case', () => {
    expect(unsafeEntryReason('C:\\Windows\\System32\\x.dll')).toBe(
      'absolute drive path "C:\\\\Windows\\\\System32\\\\x.dll"',
    );
    expect(unsafeEntryReason('c:/x.jpg')).toBe('absolute drive path "c:/x.jpg"');
    expect(unsafeEntryReason('Z:relative.jpg')).toBe('absolute drive path "Z:relative.jpg"');
  });

  it('refuses ".." written with backslashes', () => {
    expect(unsafeEntryReason('..\\..\\evil.exe')).toBe('path traversal ("..") in "..\\\\..\\\\evil.exe"');
    expect(unsafeEntryReason('a\\..\\..\\b')).toMatch(/^path traversal/);
    expect(unsafeEntryReason('a/..\\b')).toMatch(/^path traversal/);
  });

  it('refuses ".." as any path component: first, middle, last or alone', () => {
    for (const name of ['../x', 'a/../b', 'a/b/..', '..', 'a/../../../../etc/passwd', 'a//../b']) {
      expect(unsafeEntryReason(name), name).toBe(`path traversal ("..") in ${JSON.stringify(name)}`);
    }
  });

  it('refuses a NUL byte anywhere, and names it before any other reason', () => {
    expect(unsafeEntryReason('photo.jpg\0.txt')).toBe('NUL byte in entry name "photo.jpg\\u0000.txt"');
    expect(unsafeEntryReason('\0')).toMatch(/^NUL byte/);
    expect(unsafeEntryReason('/abs/../x\0')).toMatch(/^NUL byte/);
  });

  it('refuses a NUL in the raw name bytes even when the decoded name shows it escaped', () => {
    // A UTF-8-flagged name is decoded for display, which writes a NUL byte as the text \x00.
    expect(unsafeEntryReason('x\\x00.jpg', Buffer.from('x\0.jpg'))).toBe(
      'NUL byte in entry name "x\\\\x00.jpg"',
    );
    expect(unsafeEntryReason('x\\x00.jpg', Buffer.from('x\\x00.jpg'))).toBeUndefined();
  });

  it('prefers "absolute" over "traversal" when both apply', () => {
    expect(unsafeEntryReason('/../etc')).toMatch(/^absolute path/);
    expect(unsafeEntryReason('C:\\..\\x')).toMatch(/^absolute drive path/);
  });
});

/**
 * File names are bytes. Haven keeps the raw bytes (to find the file again and to tell names apart)
 * and shows valid UTF-8 as text with every byte that is not part of valid UTF-8 written as \xNN,
 * so that names from any encoding survive without loss or confusion.
 */
export function displayPathOf(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const length = validSequenceLength(bytes, i);
    if (length === 0) {
      out += `\\x${bytes[i]!.toString(16).padStart(2, '0')}`;
      i += 1;
    } else {
      out += Buffer.from(bytes.subarray(i, i + length)).toString('utf8');
      i += length;
    }
  }
  return out;
}

/** Length of the well-formed UTF-8 sequence starting at `i`, or 0 when the byte there starts none. */
function validSequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i]!;
  if (b0 < 0x80) {
    // Control characters would garble terminals and CSV: escape them too (but keep tab).
    return (b0 >= 0x20 && b0 !== 0x7f) || b0 === 0x09 ? 1 : 0;
  }
  const cont = (offset: number, low = 0x80, high = 0xbf): boolean => {
    const b = bytes[i + offset];
    return b !== undefined && b >= low && b <= high;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    // C1 control characters (U+0080..U+009F, e.g. the 8-bit CSI) are escaped like C0 ones.
    return cont(1, b0 === 0xc2 ? 0xa0 : 0x80) ? 2 : 0;
  }
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const low = b0 === 0xe0 ? 0xa0 : 0x80;
    const high = b0 === 0xed ? 0x9f : 0xbf;
    return cont(1, low, high) && cont(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const low = b0 === 0xf0 ? 0x90 : 0x80;
    const high = b0 === 0xf4 ? 0x8f : 0xbf;
    return cont(1, low, high) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

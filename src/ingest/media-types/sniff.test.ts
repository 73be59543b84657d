import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, readSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipFile } from 'yazl';
import {
  isDecodableImage,
  isOpenableArchive,
  SNIFF_BYTES,
  sniffMediaType,
  type SniffResult,
} from './sniff.js';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { sharedPath } from '../../../test/support/shared-data.js';

function bytes(...parts: (string | number[] | Uint8Array)[]): Uint8Array {
  return Buffer.concat(
    parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))),
  );
}

/** An ISO-BMFF `ftyp` box followed by a little padding. */
function ftyp(major: string, ...compatible: string[]): Uint8Array {
  const size = 16 + 4 * compatible.length;
  const box = Buffer.alloc(size + 16);
  box.writeUInt32BE(size, 0);
  box.write(`ftyp${major}`, 4, 'latin1');
  compatible.forEach((brand, i) => box.write(brand, 16 + i * 4, 'latin1'));
  return box;
}

function bmpHeader(headerSize: number): Uint8Array {
  const header = Buffer.alloc(14 + headerSize + 16);
  header.write('BM', 0, 'latin1');
  header.writeUInt32LE(header.length, 2);
  header.writeUInt32LE(14 + headerSize, 10);
  header.writeUInt32LE(headerSize, 14);
  header.writeUInt16LE(1, headerSize === 12 ? 22 : 26);
  return header;
}

function tarHeader(name: string): Uint8Array {
  const header = Buffer.alloc(1024);
  header.write(name, 0, 'latin1');
  header.write('0000644\0', 100, 'latin1');
  header.write('00000000000\0', 124, 'latin1');
  header.write('0', 156, 'latin1');
  header.write('ustar\u000000', 257, 'latin1');
  let sum = 0;
  for (let i = 0; i < 512; i++) {
    sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  }
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return header;
}

function transportStream(packetSize: 188 | 192, packets: number): Uint8Array {
  const stream = Buffer.alloc(packetSize * packets, 0xff);
  for (let i = 0; i < packets; i++) {
    stream[i * packetSize + (packetSize - 188)] = 0x47;
  }
  return stream;
}

function ebml(docType: string): Uint8Array {
  return bytes(
    [0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x80 | docType.length],
    docType,
    [0x42, 0x87],
  );
}

function ogg(codecHeader: string): Uint8Array {
  const page = Buffer.alloc(27 + 1 + 40);
  page.write('OggS', 0, 'latin1');
  page[26] = 1;
  page[27] = 30;
  page.write(codecHeader, 28, 'latin1');
  return page;
}

const expectations: [string, Uint8Array, Partial<SniffResult>][] = [
  [
    'JPEG',
    bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16], 'JFIF'),
    { mime: 'image/jpeg', kind: 'image', format: 'jpeg' },
  ],
  [
    'PNG',
    bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], 'IHDR'),
    { mime: 'image/png', format: 'png' },
  ],
  ['GIF87a', bytes('GIF87a', [1, 0, 1, 0]), { mime: 'image/gif', format: 'gif' }],
  ['GIF89a', bytes('GIF89a', [1, 0, 1, 0]), { mime: 'image/gif', format: 'gif' }],
  ['WebP', bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 '), { mime: 'image/webp', format: 'webp' }],
  ['TIFF little-endian', bytes([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]), { mime: 'image/tiff', format: 'tiff' }],
  ['TIFF big-endian', bytes([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8]), { mime: 'image/tiff', format: 'tiff' }],
  [
    'BigTIFF LE',
    bytes([0x49, 0x49, 0x2b, 0x00, 8, 0, 0, 0, 16, 0, 0, 0]),
    { mime: 'image/tiff', format: 'tiff' },
  ],
  [
    'BigTIFF BE',
    bytes([0x4d, 0x4d, 0x00, 0x2b, 0, 8, 0, 0, 0, 0, 0, 0]),
    { mime: 'image/tiff', format: 'tiff' },
  ],
  ['Canon CR2', bytes([0x49, 0x49, 0x2a, 0x00, 16, 0, 0, 0], 'CR', [2, 0]), { kind: 'image', format: 'cr2' }],
  ['BMP info header', bmpHeader(40), { mime: 'image/bmp', kind: 'image', format: 'bmp' }],
  ['BMP core header', bmpHeader(12), { mime: 'image/bmp', format: 'bmp' }],
  ['BMP V5 header', bmpHeader(124), { mime: 'image/bmp', format: 'bmp' }],
  ['text starting with BM', bytes('BMW is a car brand, not a bitmap header at all.'), { format: 'unknown' }],
  [
    'ICO',
    bytes([0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0, 0x68, 4, 0, 0, 22, 0, 0, 0]),
    { mime: 'image/vnd.microsoft.icon', kind: 'image', format: 'ico' },
  ],
  ['PSD', bytes('8BPS', [0, 1, 0, 0, 0, 0]), { mime: 'image/vnd.adobe.photoshop', format: 'psd' }],
  [
    'JPEG 2000 (JP2)',
    bytes([0, 0, 0, 12], 'jP  ', [0x0d, 0x0a, 0x87, 0x0a]),
    { mime: 'image/jp2', format: 'jp2' },
  ],
  ['JPEG 2000 codestream', bytes([0xff, 0x4f, 0xff, 0x51, 0, 0x2f]), { mime: 'image/j2c', format: 'j2c' }],
  [
    'JPEG XL container',
    bytes([0, 0, 0, 12], 'JXL ', [0x0d, 0x0a, 0x87, 0x0a]),
    { mime: 'image/jxl', format: 'jxl' },
  ],
  ['JPEG XL codestream', bytes([0xff, 0x0a, 0xfa, 0x7f]), { mime: 'image/jxl', format: 'jxl' }],
  ['HEIC', ftyp('heic', 'mif1', 'heic'), { mime: 'image/heic', kind: 'image', format: 'heic' }],
  ['HEIC (heix)', ftyp('heix', 'mif1'), { mime: 'image/heic', format: 'heic' }],
  ['HEIC sequence', ftyp('hevc', 'msf1'), { mime: 'image/heic', format: 'heic' }],
  ['mif1 with heic', ftyp('mif1', 'mif1', 'heic', 'miaf'), { mime: 'image/heic', format: 'heic' }],
  ['mif1 with avif', ftyp('mif1', 'mif1', 'avif', 'miaf'), { mime: 'image/avif', format: 'avif' }],
  ['msf1 with avis', ftyp('msf1', 'msf1', 'avis'), { mime: 'image/avif', format: 'avif' }],
  ['mif1 alone', ftyp('mif1', 'mif1'), { mime: 'image/heif', format: 'heif' }],
  ['AVIF', ftyp('avif', 'mif1', 'avif', 'miaf'), { mime: 'image/avif', format: 'avif' }],
  ['AVIF sequence', ftyp('avis', 'msf1', 'avis'), { mime: 'image/avif', format: 'avif' }],
  [
    'MP4 (isom)',
    ftyp('isom', 'isom', 'iso2', 'avc1', 'mp41'),
    { mime: 'video/mp4', kind: 'video', format: 'mp4' },
  ],
  ['MP4 (mp42)', ftyp('mp42', 'mp42', 'isom'), { mime: 'video/mp4', format: 'mp4' }],
  ['QuickTime', ftyp('qt  ', 'qt  '), { mime: 'video/quicktime', kind: 'video', format: 'mov' }],
  [
    'QuickTime without ftyp',
    bytes([0, 0, 0, 0x6c], 'moov', [0, 0, 0, 0x6c], 'mvhd'),
    { mime: 'video/quicktime', format: 'mov' },
  ],
  ['3GP', ftyp('3gp5', '3gp5', 'isom'), { mime: 'video/3gpp', kind: 'video', format: '3gp' }],
  ['3G2', ftyp('3g2a', '3g2a'), { mime: 'video/3gpp2', format: '3g2' }],
  ['M4V', ftyp('M4V ', 'M4V ', 'M4A ', 'mp42'), { mime: 'video/x-m4v', format: 'm4v' }],
  ['M4A (audio)', ftyp('M4A ', 'M4A ', 'mp42', 'isom'), { mime: 'audio/mp4', kind: 'other' }],
  ['unknown brand, MP4 compatible', ftyp('abcd', 'abcd', 'isom'), { mime: 'video/mp4', kind: 'video' }],
  ['AVI', bytes('RIFF', [0, 0, 0, 0], 'AVI LIST'), { mime: 'video/x-msvideo', kind: 'video', format: 'avi' }],
  ['WAV (audio)', bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt '), { mime: 'audio/wav', kind: 'other' }],
  ['Matroska', ebml('matroska'), { mime: 'video/x-matroska', kind: 'video', format: 'mkv' }],
  ['WebM', ebml('webm'), { mime: 'video/webm', kind: 'video', format: 'webm' }],
  ['FLV', bytes('FLV', [1, 5, 0, 0, 0, 9]), { mime: 'video/x-flv', kind: 'video', format: 'flv' }],
  ['MPEG-TS', transportStream(188, 3), { mime: 'video/mp2t', kind: 'video', format: 'mpeg-ts' }],
  ['M2TS', transportStream(192, 3), { mime: 'video/mp2t', kind: 'video', format: 'm2ts' }],
  ['a lone 0x47 is not a transport stream', bytes('G', Buffer.alloc(400, 0x20)), { format: 'unknown' }],
  [
    'MPEG-PS',
    bytes([0, 0, 1, 0xba, 0x44, 0, 4, 0, 4, 1]),
    { mime: 'video/mpeg', kind: 'video', format: 'mpeg-ps' },
  ],
  [
    'ASF/WMV',
    bytes([0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11, 0xa6, 0xd9, 0x00, 0xaa, 0x00, 0x62, 0xce, 0x6c]),
    { mime: 'video/x-ms-asf', kind: 'video', format: 'asf' },
  ],
  ['Ogg Theora', ogg('\x80theora'), { mime: 'video/ogg', kind: 'video', format: 'ogg' }],
  ['Ogg Vorbis (audio)', ogg('\x01vorbis'), { mime: 'audio/ogg', kind: 'other', format: 'ogg' }],
  [
    'ZIP local header',
    bytes('PK', [3, 4, 20, 0]),
    { mime: 'application/zip', kind: 'archive', format: 'zip' },
  ],
  [
    'ZIP empty',
    bytes('PK', [5, 6], Buffer.alloc(18)),
    { mime: 'application/zip', kind: 'archive', format: 'zip' },
  ],
  [
    'ZIP spanned',
    bytes('PK', [7, 8], 'PK', [3, 4]),
    { mime: 'application/zip', kind: 'archive', format: 'zip' },
  ],
  [
    '7z',
    bytes([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]),
    { mime: 'application/x-7z-compressed', kind: 'archive' },
  ],
  [
    'RAR 4',
    bytes('Rar!', [0x1a, 0x07, 0x00]),
    { mime: 'application/vnd.rar', kind: 'archive', format: 'rar' },
  ],
  [
    'RAR 5',
    bytes('Rar!', [0x1a, 0x07, 0x01, 0x00]),
    { mime: 'application/vnd.rar', kind: 'archive', format: 'rar' },
  ],
  [
    'gzip',
    bytes([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0]),
    { mime: 'application/gzip', kind: 'archive', format: 'gzip' },
  ],
  ['xz', bytes([0xfd], '7zXZ', [0]), { mime: 'application/x-xz', kind: 'archive' }],
  ['bzip2', bytes('BZh91AY&SY'), { mime: 'application/x-bzip2', kind: 'archive' }],
  ['tar', tarHeader('photos/a.jpg'), { mime: 'application/x-tar', kind: 'archive', format: 'tar' }],
  ['tar whose first name mimics a PDF', tarHeader('%PDF-1.7 not really'), { format: 'tar' }],
  ['PDF', bytes('%PDF-1.7\n%\xe2\xe3'), { mime: 'application/pdf', kind: 'other', format: 'pdf' }],
  [
    'plain text',
    bytes('hello, world\n'),
    { mime: 'application/octet-stream', kind: 'other', format: 'unknown' },
  ],
  ['empty', new Uint8Array(0), { format: 'unknown' }],
  ['JPEG cut to 2 bytes', bytes([0xff, 0xd8]), { format: 'unknown' }],
];

describe('sniffMediaType: crafted headers', () => {
  for (const [name, head, expected] of expectations) {
    it(name, () => {
      expect(sniffMediaType(head)).toMatchObject(expected);
    });
  }

  it('needs no more than SNIFF_BYTES and ignores what follows', () => {
    expect(SNIFF_BYTES).toBeGreaterThanOrEqual(512);
    const jpegThenZip = bytes([0xff, 0xd8, 0xff, 0xe0], Buffer.alloc(SNIFF_BYTES), 'PK', [3, 4]);
    expect(sniffMediaType(jpegThenZip.subarray(0, SNIFF_BYTES)).format).toBe('jpeg');
  });

  it('flags which images are decodable and which archives are opened', () => {
    const decodable = ['jpeg', 'png', 'gif', 'webp', 'tiff', 'bmp', 'avif', 'heic', 'heif'];
    for (const [, head, expected] of expectations) {
      const result = sniffMediaType(head);
      if (expected.kind === 'image') {
        expect(isDecodableImage(result)).toBe(decodable.includes(result.format));
      }
    }
    expect(isDecodableImage(sniffMediaType(bytes('8BPS', [0, 1])))).toBe(false);
    expect(isOpenableArchive(sniffMediaType(bytes('PK', [3, 4])))).toBe(true);
    expect(isOpenableArchive(sniffMediaType(bytes('Rar!', [0x1a, 0x07, 0x00])))).toBe(false);
  });
});

function head(file: string): Uint8Array {
  const buffer = Buffer.alloc(SNIFF_BYTES);
  const fd = openSync(file, 'r');
  try {
    return buffer.subarray(0, readSync(fd, buffer, 0, SNIFF_BYTES, 0));
  } finally {
    closeSync(fd);
  }
}

async function zipOf(entries: Record<string, Buffer>): Promise<Buffer> {
  const zip = new ZipFile();
  for (const [name, content] of Object.entries(entries)) {
    zip.addBuffer(content, name);
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) {
    chunks.push(Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(chunks);
}

let workDir = '';
beforeAll(() => {
  workDir = mkdtempSync(path.join(tmpdir(), 'haven-sniff-'));
});
afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe('sniffMediaType: real files', () => {
  it('reference images and test videos from ../shared', () => {
    const vectors = ['pdq', 'vectors', 'files', 'pdq', 'data'];
    expect(
      sniffMediaType(head(sharedPath(...vectors, 'reg-test-input', 'dih', 'bridge-1-original.jpg'))).mime,
    ).toBe('image/jpeg');
    expect(sniffMediaType(head(sharedPath(...vectors, 'misc-images', 'c.png'))).mime).toBe('image/png');
    expect(sniffMediaType(head(sharedPath('testdata', 'face', 'eileen_collins_astronaut.png'))).mime).toBe(
      'image/png',
    );
    for (const video of ['box_handheld.mp4', 'cup_handheld.mp4', 'vtest_12s.mp4']) {
      expect(sniffMediaType(head(sharedPath('testdata', 'video', video))), video).toMatchObject({
        kind: 'video',
        mime: 'video/mp4',
      });
    }
    expect(sniffMediaType(head(sharedPath('testdata', 'video', 'tree.avi')))).toMatchObject({
      kind: 'video',
      format: 'avi',
    });
  });

  it('images written by sharp and heif-enc', async () => {
    const source = sharp({ create: { width: 32, height: 24, channels: 3, background: '#3366cc' } });
    const cases: [Promise<Buffer>, string][] = [
      [source.clone().jpeg().toBuffer(), 'image/jpeg'],
      [source.clone().png().toBuffer(), 'image/png'],
      [source.clone().gif().toBuffer(), 'image/gif'],
      [source.clone().webp().toBuffer(), 'image/webp'],
      [source.clone().tiff().toBuffer(), 'image/tiff'],
      [source.clone().avif().toBuffer(), 'image/avif'],
      [source.clone().heif({ compression: 'av1' }).toBuffer(), 'image/avif'],
    ];
    for (const [encoded, mime] of cases) {
      expect(sniffMediaType(await encoded).mime).toBe(mime);
    }
    if (spawnSync('sh', ['-c', 'command -v heif-enc']).status !== 0) {
      throw new Error(
        'heif-enc is not installed: run apt-get install -y --no-install-recommends libheif-examples',
      );
    }
    const png = path.join(workDir, 'in.png');
    const heic = path.join(workDir, 'out.heic');
    writeFileSync(png, await source.clone().png().toBuffer());
    execFileSync('heif-enc', ['-o', heic, png], { stdio: 'pipe' });
    expect(sniffMediaType(readFileSync(heic))).toMatchObject({ mime: 'image/heic', format: 'heic' });
  });

  it('zip files written by yazl, including an empty one', async () => {
    const zip = await zipOf({ 'a.jpg': Buffer.from('not really'), 'b/c.txt': Buffer.from('x') });
    expect(sniffMediaType(zip)).toMatchObject({ mime: 'application/zip', kind: 'archive', format: 'zip' });
    const empty = await zipOf({});
    expect(empty.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    expect(sniffMediaType(empty).format).toBe('zip');
  });
});

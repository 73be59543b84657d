import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractExif, type ExifSummary } from './exif.js';

function requireTool(tool: string, debianPackage: string): void {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    throw new Error(
      `${tool} is not installed: run apt-get install -y --no-install-recommends ${debianPackage}`,
    );
  }
}

let workDir = '';
let counter = 0;
beforeAll(() => {
  workDir = mkdtempSync(path.join(tmpdir(), 'haven-exif-'));
});
afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

async function plainJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 90, g: 120, b: 150 } } })
    .jpeg()
    .toBuffer();
}

/** Writes `bytes` to a temp file, runs exiftool with `args` on it, returns the rewritten file. */
function exiftool(bytes: Buffer, args: string[], extension = 'jpg'): Buffer {
  requireTool('exiftool', 'libimage-exiftool-perl');
  const file = path.join(workDir, `exif-${counter++}.${extension}`);
  writeFileSync(file, bytes);
  execFileSync('exiftool', [...args, '-overwrite_original', file], { stdio: 'pipe' });
  return readFileSync(file);
}

const CANON_ARGS = [
  '-Make=Canon',
  '-Model=Canon EOS 5D Mark IV',
  '-SerialNumber=032021001234',
  '-LensSerialNumber=0000012345',
  '-DateTimeOriginal=2024:03:15 14:22:05',
  '-OffsetTimeOriginal=+01:00',
  '-GPSLatitude=48.858370',
  '-GPSLatitudeRef=N',
  '-GPSLongitude=2.294481',
  '-GPSLongitudeRef=E',
  '-GPSAltitude=35',
  '-Orientation#=6',
  '-Software=TestSoft',
  '-XMP:Rating=4',
];

function expectCanonFields(summary: ExifSummary | null, options: { xmp: boolean }): void {
  expect(summary).not.toBeNull();
  expect(summary).toMatchObject({
    make: 'Canon',
    model: 'Canon EOS 5D Mark IV',
    bodySerialNumber: '032021001234',
    lensSerialNumber: '0000012345',
    lensMake: null,
    lensModel: null,
    captureTime: '2024-03-15T14:22:05+01:00',
    captureTimeHasOffset: true,
    captureTimeSource: 'exif:DateTimeOriginal',
    gpsAltitude: 35,
    gpsTimestamp: null,
    software: 'TestSoft',
    orientation: 6,
    imageDescription: null,
    artist: null,
    copyright: null,
  });
  expect(summary!.gpsLatitude).toBeCloseTo(48.85837, 6);
  expect(summary!.gpsLongitude).toBeCloseTo(2.294481, 6);
  if (options.xmp) {
    expect(summary!.xmp).toEqual({ 'xmp:Rating': '4' });
  }
}

let canonJpeg: Buffer;
beforeAll(async () => {
  canonJpeg = exiftool(await plainJpeg(), CANON_ARGS);
});

describe('extractExif: JPEG written by exiftool', () => {
  it('reads every field of the reference command', async () => {
    expectCanonFields(await extractExif(canonJpeg, 'image/jpeg'), { xmp: true });
  });

  it('gives the same capture time whatever the process time zone', async () => {
    const original = process.env.TZ;
    try {
      for (const zone of ['America/New_York', 'Asia/Tokyo', 'UTC']) {
        process.env.TZ = zone;
        // Make sure the zone change really reached the runtime before trusting the check.
        const expectedHour = { 'America/New_York': 7, 'Asia/Tokyo': 21, UTC: 12 }[zone];
        expect(new Date(Date.UTC(2024, 0, 1, 12)).getHours()).toBe(expectedHour);
        const summary = await extractExif(canonJpeg, 'image/jpeg');
        expect(summary?.captureTime).toBe('2024-03-15T14:22:05+01:00');
      }
    } finally {
      if (original === undefined) {
        delete process.env.TZ;
      } else {
        process.env.TZ = original;
      }
    }
  });

  it('keeps a time without offset as local time and says so', async () => {
    const jpeg = exiftool(await plainJpeg(), [
      '-DateTimeOriginal=2023:12:31 23:59:58',
      '-SubSecTimeOriginal=25',
    ]);
    expect(await extractExif(jpeg, 'image/jpeg')).toMatchObject({
      captureTime: '2023-12-31T23:59:58.25',
      captureTimeHasOffset: false,
    });
  });

  it('reads lens, description, artist, copyright, southern/western GPS below sea level, GPS time and XMP', async () => {
    const jpeg = exiftool(await plainJpeg(), [
      '-LensMake=Sigma',
      '-LensModel=35mm F1.4 DG HSM',
      '-ImageDescription=A test scene',
      '-Artist=Test Artist',
      '-Copyright=(c) Nobody',
      '-GPSLatitude=33.8688',
      '-GPSLatitudeRef=S',
      '-GPSLongitude=151.2093',
      '-GPSLongitudeRef=W',
      '-GPSAltitude=12.5',
      '-GPSAltitudeRef#=1',
      '-GPSDateStamp=2024:03:15',
      '-GPSTimeStamp=13:22:05.5',
      '-XMP-dc:Creator=Alice',
      '-XMP-dc:Creator+=Bob',
      '-XMP-xmp:CreatorTool=GIMP 2.10',
      '-XMP-aux:SerialNumber=AUX-99',
    ]);
    const summary = await extractExif(jpeg, 'image/jpeg');
    expect(summary).toMatchObject({
      lensMake: 'Sigma',
      lensModel: '35mm F1.4 DG HSM',
      imageDescription: 'A test scene',
      artist: 'Test Artist',
      copyright: '(c) Nobody',
      gpsAltitude: -12.5,
      gpsTimestamp: '2024-03-15T13:22:05.500Z',
      bodySerialNumber: 'AUX-99',
      software: 'GIMP 2.10',
      captureTime: null,
      captureTimeHasOffset: null,
    });
    expect(summary!.gpsLatitude).toBeCloseTo(-33.8688, 6);
    expect(summary!.gpsLongitude).toBeCloseTo(-151.2093, 6);
    expect(summary!.xmp).toMatchObject({
      'dc:creator': 'Alice; Bob',
      'xmp:CreatorTool': 'GIMP 2.10',
      'aux:SerialNumber': 'AUX-99',
    });
  });
});

describe('extractExif: other containers', () => {
  it('WebP: EXIF and XMP through sharp metadata', async () => {
    const webp = await sharp(canonJpeg).keepMetadata().webp().toBuffer();
    expectCanonFields(await extractExif(webp, 'image/webp'), { xmp: true });
    const written = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
      .withExif({ IFD0: { Make: 'Nikon', Model: 'D850' } })
      .webp()
      .toBuffer();
    expect(await extractExif(written, 'image/webp')).toMatchObject({ make: 'Nikon', model: 'D850' });
  });

  it('PNG and TIFF carrying the same metadata', async () => {
    const png = await sharp(canonJpeg).keepMetadata().png().toBuffer();
    expectCanonFields(await extractExif(png, 'image/png'), { xmp: false });
    // libvips does not write EXIF sub-IFDs into TIFF, so exiftool tags the TIFF itself.
    const tiff = exiftool(
      await sharp(await plainJpeg())
        .tiff({ compression: 'lzw' })
        .toBuffer(),
      CANON_ARGS,
      'tif',
    );
    expectCanonFields(await extractExif(tiff, 'image/tiff'), { xmp: true });
  });

  it('HEIC made by heif-enc from the exiftool JPEG (heif-enc copies EXIF)', async () => {
    requireTool('heif-enc', 'libheif-examples');
    const input = path.join(workDir, 'canon.jpg');
    const output = path.join(workDir, 'canon.heic');
    writeFileSync(input, canonJpeg);
    execFileSync('heif-enc', ['-o', output, input], { stdio: 'pipe' });
    // heif-enc copies EXIF but not XMP, so only the EXIF fields are checked.
    expectCanonFields(await extractExif(readFileSync(output), 'image/heic'), { xmp: false });
  });
});

describe('extractExif: nothing usable', () => {
  it('returns null for files without metadata and for garbage, never throwing', async () => {
    expect(await extractExif(await plainJpeg(), 'image/jpeg')).toBeNull();
    expect(await extractExif(new Uint8Array(0), 'image/jpeg')).toBeNull();
    expect(await extractExif(Buffer.from('BM not really a bitmap'), 'image/bmp')).toBeNull();
    const noise = Buffer.alloc(3000);
    for (let i = 0; i < noise.length; i++) {
      noise[i] = (i * 7919 + 17) % 253;
    }
    expect(await extractExif(noise, 'image/webp')).toBeNull();
    noise.set([0xff, 0xd8, 0xff, 0xe0]);
    expect(await extractExif(noise, 'image/jpeg')).toBeNull();
  });

  it('treats a malformed EXIF block as no EXIF', async () => {
    const exifPayload = Buffer.concat([
      Buffer.from('Exif\0\0MM\0*', 'latin1'),
      Buffer.from([0xff, 0xff, 0xff, 0xf0, 1, 2, 3]),
    ]);
    const length = exifPayload.length + 2;
    const jpeg = await plainJpeg();
    const broken = Buffer.concat([
      jpeg.subarray(0, 2),
      Buffer.from([0xff, 0xe1, length >> 8, length & 0xff]),
      exifPayload,
      jpeg.subarray(2),
    ]);
    expect(await extractExif(broken, 'image/jpeg')).toBeNull();
  });
});

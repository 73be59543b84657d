import sharp from 'sharp';
import { demoSvg, type DemoTheme } from '#haven/demo/demo-pictures.js';

const THEMES: readonly DemoTheme[] = ['room', 'objects', 'landscape'];

/** A generated, textured (PDQ quality 100) benign JPEG, different for every seed. */
export function pictureJpeg(seed: number, width = 640, height = 480, quality = 90): Promise<Buffer> {
  return sharp(Buffer.from(demoSvg(THEMES[seed % 3]!, seed, width, height)))
    .jpeg({ quality })
    .toBuffer();
}

/** An uncompressed 24-bit BMP (bottom-up rows, BGR, rows padded to 4 bytes) of raw RGB pixels. */
export function bmp24(rgb: Uint8Array, width: number, height: number): Buffer {
  const rowBytes = Math.ceil((width * 3) / 4) * 4;
  const out = Buffer.alloc(54 + rowBytes * height);
  out.write('BM', 0, 'ascii');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(54, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(width, 18);
  out.writeInt32LE(height, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(24, 28);
  out.writeUInt32LE(rowBytes * height, 34);
  for (let y = 0; y < height; y += 1) {
    const row = 54 + (height - 1 - y) * rowBytes;
    for (let x = 0; x < width; x += 1) {
      const from = (y * width + x) * 3;
      out[row + x * 3] = rgb[from + 2]!;
      out[row + x * 3 + 1] = rgb[from + 1]!;
      out[row + x * 3 + 2] = rgb[from]!;
    }
  }
  return out;
}

/**
 * A two-colour checkerboard JPEG. Panned, it is a picture PDQ cannot follow: nothing in it is coarse
 * enough for PDQ's low frequencies, so its hash changes by 50 to 200 bits between frames 0.2 s apart.
 */
export function checkerboardJpeg(width: number, height: number, square: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const light = (Math.floor(x / square) + Math.floor(y / square)) % 2 === 1;
      pixels.set(light ? [230, 200, 210] : [60, 40, 70], (y * width + x) * 3);
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

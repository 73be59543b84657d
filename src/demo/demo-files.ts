import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import yazl from 'yazl';
import { demoSvg, type DemoTheme } from '#haven/demo/demo-pictures.js';

const THEMES: readonly DemoTheme[] = ['room', 'objects', 'landscape'];

async function picture(seed: number): Promise<Buffer> {
  const theme = THEMES[seed % THEMES.length]!;
  return sharp(Buffer.from(demoSvg(theme, seed)))
    .jpeg({ quality: 90 })
    .toBuffer();
}

/**
 * Writes the demo material: a reference collection (already "held" once ingested) and a seized
 * device holding exact copies, edited copies, new pictures, an archive and a damaged file.
 */
export async function writeDemoFiles(root: string): Promise<{ reference: string; seized: string }> {
  const reference = path.join(root, 'reference-collection');
  const seized = path.join(root, 'seized-phone');
  await mkdir(reference, { recursive: true });
  await mkdir(path.join(seized, 'DCIM', 'Camera'), { recursive: true });
  await mkdir(path.join(seized, 'Download'), { recursive: true });

  const held = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((seed) => picture(seed)));
  await Promise.all(held.map((bytes, i) => writeFile(path.join(reference, `series-a-${i + 1}.jpg`), bytes)));

  const camera = path.join(seized, 'DCIM', 'Camera');
  const edits: [string, Promise<Buffer>][] = [
    ['IMG_0001.jpg', Promise.resolve(held[0]!)],
    ['IMG_0002.jpg', Promise.resolve(held[1]!)],
    ['IMG_0003.jpg', sharp(held[2]).resize(512).jpeg({ quality: 60 }).toBuffer()],
    ['IMG_0004.jpg', sharp(held[3]).flop().jpeg({ quality: 85 }).toBuffer()],
    ['IMG_0005.png', sharp(held[4]).rotate(90).png().toBuffer()],
    ['IMG_0006.webp', sharp(held[5]).modulate({ brightness: 1.1, saturation: 1.3 }).webp().toBuffer()],
    ['IMG_0007.jpg', picture(101)],
    ['IMG_0008.jpg', picture(102)],
    ['IMG_0009.jpg', picture(103)],
  ];
  for (const [name, bytes] of edits) {
    await writeFile(path.join(camera, name), await bytes);
  }
  const damaged = await picture(104);
  await writeFile(path.join(camera, 'IMG_0010.jpg'), damaged.subarray(0, Math.floor(damaged.length / 2)));
  await writeFile(path.join(seized, 'Download', 'notes.txt'), 'shopping list: milk, bread\n');

  const inner = await zipOf([['deep/new-picture.jpg', await picture(105)]]);
  const outer = await zipOf([
    ['copy-of-series-a-7.jpg', held[6]!],
    ['edited/series-a-8-small.jpg', await sharp(held[7]).resize(400).jpeg({ quality: 70 }).toBuffer()],
    ['unseen.jpg', await picture(106)],
    ['inner.zip', inner],
  ]);
  await writeFile(path.join(seized, 'Download', 'holiday.zip'), outer);
  return { reference, seized };
}

function zipOf(entries: readonly (readonly [string, Buffer])[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, bytes] of entries) {
    zip.addBuffer(bytes, name, { mtime: new Date('2024-05-01T10:00:00Z') });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    zip.outputStream.on('data', (part: Buffer) => parts.push(part));
    zip.outputStream.on('end', () => {
      resolve(Buffer.concat(parts));
    });
    zip.outputStream.on('error', reject);
  });
}

import sharp from 'sharp';

const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A picture with lines of text drawn on it (DejaVu Sans: Latin, Cyrillic, Arabic), like a sign or
 * a label in a room: dark text on a light, slightly textured background.
 */
export async function textPicture(
  lines: readonly string[],
  options: { width?: number; fontSize?: number; seed?: number; format?: 'png' | 'jpeg' } = {},
): Promise<Buffer> {
  const fontSize = options.fontSize ?? 36;
  const width = options.width ?? 1000;
  const lineHeight = Math.round(fontSize * 1.6);
  const height = lineHeight * (lines.length + 1);
  const shade = 225 + ((options.seed ?? 0) % 25);
  const text = lines
    .map(
      (line, i) =>
        `<text x="30" y="${lineHeight * (i + 1)}" font-family="DejaVu Sans" font-size="${fontSize}" fill="#1a1a1a">${escape(line)}</text>`,
    )
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="rgb(${shade},${shade - 8},${shade - 20})"/>${text}</svg>`;
  const image = sharp(Buffer.from(svg));
  return options.format === 'jpeg' ? image.jpeg({ quality: 90 }).toBuffer() : image.png().toBuffer();
}

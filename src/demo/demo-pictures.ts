/**
 * Benign demo pictures drawn from code (rooms, objects, landscapes) so that a newcomer has
 * something to look at. Deterministic: the same seed draws the same picture.
 */
export type DemoTheme = 'room' | 'objects' | 'landscape';

export function demoSvg(theme: DemoTheme, seed: number, width = 1024, height = 768): string {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const hue = Math.floor(random() * 360);
  const shapes: string[] = [];
  if (theme === 'room') {
    const stripe = 12 + Math.floor(random() * 40);
    shapes.push(
      `<defs><pattern id="w" width="${stripe * 2}" height="${stripe * 2}" patternUnits="userSpaceOnUse">` +
        `<rect width="${stripe * 2}" height="${stripe * 2}" fill="hsl(${hue},40%,80%)"/>` +
        `<circle cx="${stripe}" cy="${stripe}" r="${stripe / 2.5}" fill="hsl(${(hue + 40) % 360},50%,60%)"/>` +
        `<rect width="${stripe / 3}" height="${stripe * 2}" fill="hsl(${(hue + 180) % 360},30%,70%)"/></pattern></defs>`,
      `<rect width="${width}" height="${height * 0.7}" fill="url(#w)"/>`,
      `<rect y="${height * 0.7}" width="${width}" height="${height * 0.3}" fill="hsl(${(hue + 20) % 360},30%,35%)"/>`,
    );
    const wx = random() * width * 0.6;
    shapes.push(
      `<rect x="${wx}" y="${height * 0.12}" width="${width * 0.25}" height="${height * 0.3}" fill="hsl(200,60%,75%)" stroke="#fff" stroke-width="12"/>`,
      `<line x1="${wx + width * 0.125}" y1="${height * 0.12}" x2="${wx + width * 0.125}" y2="${height * 0.42}" stroke="#fff" stroke-width="8"/>`,
    );
    for (let i = 0; i < 3 + Math.floor(random() * 3); i += 1) {
      const x = random() * width * 0.85;
      const w = 60 + random() * 220;
      const h = 50 + random() * 180;
      shapes.push(
        `<rect x="${x}" y="${height * 0.72 - h}" width="${w}" height="${h}" rx="${random() * 20}" fill="hsl(${Math.floor(random() * 360)},${30 + random() * 50}%,${25 + random() * 40}%)"/>`,
      );
    }
  } else if (theme === 'objects') {
    const check = 30 + Math.floor(random() * 40);
    shapes.push(
      `<defs><pattern id="c" width="${check * 2}" height="${check * 2}" patternUnits="userSpaceOnUse">` +
        `<rect width="${check * 2}" height="${check * 2}" fill="hsl(${hue},25%,78%)"/>` +
        `<rect width="${check}" height="${check}" fill="hsl(${hue},35%,55%)"/>` +
        `<rect x="${check}" y="${check}" width="${check}" height="${check}" fill="hsl(${hue},35%,55%)"/></pattern></defs>`,
      `<rect width="${width}" height="${height}" fill="url(#c)"/>`,
    );
    for (let i = 0; i < 6 + Math.floor(random() * 6); i += 1) {
      const x = random() * width;
      const y = random() * height;
      const size = 40 + random() * 160;
      const fill = `hsl(${Math.floor(random() * 360)},${40 + random() * 50}%,${30 + random() * 40}%)`;
      shapes.push(
        pick([
          `<circle cx="${x}" cy="${y}" r="${size / 2}" fill="${fill}"/>`,
          `<rect x="${x}" y="${y}" width="${size}" height="${size * 1.6}" rx="${size / 5}" fill="${fill}"/>`,
          `<polygon points="${x},${y} ${x + size},${y + size / 3} ${x + size / 3},${y + size}" fill="${fill}"/>`,
          `<ellipse cx="${x}" cy="${y}" rx="${size}" ry="${size / 3}" fill="${fill}" stroke="#222" stroke-width="4"/>`,
        ]),
      );
    }
  } else {
    shapes.push(
      `<defs><linearGradient id="s" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="hsl(${hue},70%,60%)"/><stop offset="1" stop-color="hsl(${(hue + 60) % 360},60%,85%)"/></linearGradient></defs>`,
      `<rect width="${width}" height="${height}" fill="url(#s)"/>`,
      `<circle cx="${random() * width}" cy="${height * (0.1 + random() * 0.25)}" r="${30 + random() * 50}" fill="hsl(45,95%,65%)"/>`,
    );
    for (let layer = 0; layer < 4; layer += 1) {
      const base = height * (0.45 + layer * 0.13);
      let path = `M0,${height} L0,${base}`;
      for (let x = 0; x <= width; x += width / 8) {
        path += ` L${x},${base - random() * height * 0.2}`;
      }
      path += ` L${width},${height} Z`;
      shapes.push(
        `<path d="${path}" fill="hsl(${(hue + 120 + layer * 15) % 360},${35 + layer * 10}%,${45 - layer * 8}%)"/>`,
      );
    }
    for (let i = 0; i < 14 + Math.floor(random() * 10); i += 1) {
      const x = random() * width;
      const y = height * (0.6 + random() * 0.35);
      const size = 25 + random() * 60;
      shapes.push(
        random() < 0.7
          ? `<polygon points="${x},${y - size * 2} ${x - size / 2},${y} ${x + size / 2},${y}" fill="hsl(${100 + random() * 60},50%,${15 + random() * 20}%)"/>`
          : `<rect x="${x}" y="${y - size}" width="${size * 1.4}" height="${size}" fill="hsl(${random() * 40},40%,${60 + random() * 25}%)" stroke="#333" stroke-width="3"/>`,
      );
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${shapes.join('')}</svg>`;
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A rectangle as fractions (0..1) of the displayed image, from its top-left corner. */
export interface FractionRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

const clamp = (value: number): number => Math.min(1, Math.max(0, value));

/** The rectangle spanned by two corners of a drag, whichever way the pointer moved. */
export function spanned(a: { x: number; y: number }, b: { x: number; y: number }): FractionRect {
  const left = clamp(Math.min(a.x, b.x));
  const top = clamp(Math.min(a.y, b.y));
  return {
    x: left,
    y: top,
    width: clamp(Math.max(a.x, b.x)) - left,
    height: clamp(Math.max(a.y, b.y)) - top,
  };
}

/** Pixels of the original image, as the clues API stores them (at least one pixel each way). */
export function toPixels(rect: FractionRect, width: number, height: number): FractionRect {
  const x = Math.min(width - 1, Math.round(rect.x * width));
  const y = Math.min(height - 1, Math.round(rect.y * height));
  return {
    x,
    y,
    width: Math.max(1, Math.min(width - x, Math.round(rect.width * width))),
    height: Math.max(1, Math.min(height - y, Math.round(rect.height * height))),
  };
}

export function toFractions(rect: FractionRect, width: number, height: number): FractionRect {
  return { x: rect.x / width, y: rect.y / height, width: rect.width / width, height: rect.height / height };
}

/** Pixels as typed (left, top, width, height): a rectangle inside the image, or null when not (yet) one. */
export function fromTypedPixels(
  typed: { readonly x: string; readonly y: string; readonly width: string; readonly height: string },
  width: number,
  height: number,
): FractionRect | null {
  const values = [typed.x, typed.y, typed.width, typed.height].map((text) =>
    /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN,
  );
  const [x, y, w, h] = values as [number, number, number, number];
  if (values.some(Number.isNaN) || w < 1 || h < 1 || x + w > width || y + h > height) {
    return null;
  }
  return toFractions({ x, y, width: w, height: h }, width, height);
}

import sharp from 'sharp';
import type { DecodedImage } from '#haven/signals/signal-type.js';
import { loadOpenCv } from './opencv-runtime.js';

/** Bytes of one ORB descriptor (256 bits). */
export const DESCRIPTOR_BYTES = 32;

/** Local features of an image (or of a region of it), keypoint positions in original pixels. */
export interface LocalFeatures {
  /** Width and height of the whole original image the points refer to. */
  readonly width: number;
  readonly height: number;
  readonly count: number;
  /** x0, y0, x1, y1, ... in the original image's pixel coordinates. */
  readonly points: Float32Array;
  /** `count` descriptors of DESCRIPTOR_BYTES, back to back. */
  readonly descriptors: Uint8Array;
}

export interface Region {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface ExtractOptions {
  readonly maxFeatures: number;
  /** Long side the image (or region) is resized to before detection. */
  readonly workingSide: number;
}

export const DEFAULT_EXTRACT: ExtractOptions = { maxFeatures: 1000, workingSide: 800 };

/** Version of the extraction recipe: stored with every feature set so older ones can be redone. */
export const ORB_PIPELINE = 'orb-opencv-4.12.0;grey;long-side=800;n=1000;fast=12';

/**
 * ORB keypoints and descriptors, computed in memory. A region is cut out first (clamped by the
 * caller) and resized on its own, so a small object gets as many keypoints as a whole room.
 * `mirror` describes the left-right flipped picture (ORB descriptors are not mirror-invariant and
 * flipped copies are common), with its points still given in the unflipped original's pixels.
 */
export async function extractOrb(
  image: DecodedImage,
  region: Region | null = null,
  options: ExtractOptions = DEFAULT_EXTRACT,
  mirror = false,
): Promise<LocalFeatures> {
  const area = region ?? { x: 0, y: 0, width: image.width, height: image.height };
  const scale = Math.min(options.workingSide / Math.max(area.width, area.height), 2);
  const targetWidth = Math.max(1, Math.round(area.width * scale));
  const targetHeight = Math.max(1, Math.round(area.height * scale));
  const grey = await sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: image.channels },
  })
    .extract({ left: area.x, top: area.y, width: area.width, height: area.height })
    .greyscale()
    .resize(targetWidth, targetHeight, { fit: 'fill', kernel: 'linear' })
    .flop(mirror)
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { cv } = await loadOpenCv();
  const mat = new cv.Mat(grey.info.height, grey.info.width, cv.CV_8UC1);
  const mask = new cv.Mat();
  const keypoints = new cv.KeyPointVector();
  const descriptors = new cv.Mat();
  const orb = new cv.ORB(options.maxFeatures, 1.2, 8, 19, 0, 2, 0, 19, 12);
  try {
    mat.data.set(grey.data.subarray(0, grey.info.width * grey.info.height));
    orb.detectAndCompute(mat, mask, keypoints, descriptors);
    const count = descriptors.rows === keypoints.size() ? descriptors.rows : 0;
    const points = new Float32Array(count * 2);
    const sx = area.width / grey.info.width;
    const sy = area.height / grey.info.height;
    for (let i = 0; i < count; i += 1) {
      const { pt } = keypoints.get(i);
      const x = mirror ? grey.info.width - 1 - pt.x : pt.x;
      points[i * 2] = area.x + (x + 0.5) * sx - 0.5;
      points[i * 2 + 1] = area.y + (pt.y + 0.5) * sy - 0.5;
    }
    return {
      width: image.width,
      height: image.height,
      count,
      points,
      descriptors: Uint8Array.from(descriptors.data.subarray(0, count * DESCRIPTOR_BYTES)),
    };
  } finally {
    orb.delete();
    descriptors.delete();
    keypoints.delete();
    mask.delete();
    mat.delete();
  }
}

import { createRequire } from 'node:module';

/** The few OpenCV.js classes and functions the local-feature signal uses, typed narrowly. */
export interface CvMat {
  readonly rows: number;
  readonly cols: number;
  readonly data: Uint8Array;
  readonly data32F: Float32Array;
  readonly data64F: Float64Array;
  delete(): void;
}

interface CvKeyPoint {
  readonly pt: { readonly x: number; readonly y: number };
}

export interface CvKeyPointVector {
  size(): number;
  get(index: number): CvKeyPoint;
  delete(): void;
}

interface CvOrb {
  detectAndCompute(image: CvMat, mask: CvMat, keypoints: CvKeyPointVector, descriptors: CvMat): void;
  delete(): void;
}

export interface OpenCv {
  readonly CV_8UC1: number;
  readonly CV_32FC2: number;
  readonly RANSAC: number;
  readonly FM_RANSAC: number;
  readonly Mat: new (...args: number[]) => CvMat;
  readonly KeyPointVector: new () => CvKeyPointVector;
  readonly ORB: new (
    nfeatures: number,
    scaleFactor: number,
    nlevels: number,
    edgeThreshold: number,
    firstLevel: number,
    WTA_K: number,
    scoreType: number,
    patchSize: number,
    fastThreshold: number,
  ) => CvOrb;
  matFromArray(rows: number, cols: number, type: number, values: ArrayLike<number>): CvMat;
  findHomography(src: CvMat, dst: CvMat, method: number, threshold: number, mask: CvMat): CvMat;
  findFundamentalMat(
    points1: CvMat,
    points2: CvMat,
    method: number,
    threshold: number,
    confidence: number,
    mask: CvMat,
  ): CvMat;
  onRuntimeInitialized?: () => void;
}

let loading: Promise<{ readonly cv: OpenCv }> | undefined;

/**
 * Loads OpenCV's WebAssembly build once per process. The emscripten module object is a thenable
 * that resolves to itself, so awaiting or returning it hangs forever: it is always kept wrapped.
 */
export function loadOpenCv(): Promise<{ readonly cv: OpenCv }> {
  loading ??= new Promise((resolve) => {
    const uncaught = process.listeners('uncaughtException');
    const unhandled = process.listeners('unhandledRejection');
    const cv = createRequire(import.meta.url)('@techstark/opencv-js') as OpenCv;
    // The emscripten glue installs process-wide handlers that abort on any unhandled rejection,
    // anywhere in the process: Haven keeps its own error handling, so they are taken off again.
    for (const listener of process.listeners('uncaughtException')) {
      if (!uncaught.includes(listener)) {
        process.removeListener('uncaughtException', listener);
      }
    }
    for (const listener of process.listeners('unhandledRejection')) {
      if (!unhandled.includes(listener)) {
        process.removeListener('unhandledRejection', listener);
      }
    }
    if (typeof cv.Mat === 'function') {
      resolve({ cv });
      return;
    }
    cv.onRuntimeInitialized = () => {
      resolve({ cv });
    };
  });
  return loading;
}

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp, { type OutputInfo } from 'sharp';
import { havenError } from '#haven/platform/errors/haven-error.js';
import type { DetectedFace } from '#haven/faces/face.types.js';
import { normalise } from '#haven/faces/face-math.js';

/** The few parts of Human's API this adapter uses (its own typings drag in all of tfjs). */
interface HumanFace {
  readonly box: readonly [number, number, number, number];
  readonly score: number;
  readonly boxScore: number;
  readonly faceScore: number;
  readonly embedding?: readonly number[];
}
interface Tensor {
  dispose(): void;
}
interface HumanInstance {
  load(): Promise<void>;
  detect(input: Tensor): Promise<{ face: HumanFace[]; error?: string | null }>;
  readonly tf: {
    tensor4d(values: Int32Array, shape: [number, number, number, number], dtype: 'int32'): Tensor;
  };
}
interface HumanModule {
  readonly Human: new (config: Record<string, unknown>) => HumanInstance;
}

const require = createRequire(import.meta.url);
// The package's exports map lacks the wasm build's subpath: locate it beside the main entry.
const HUMAN_DIST = path.dirname(require.resolve('@vladmandic/human'));
const MODELS_DIR = path.join(HUMAN_DIST, '..', 'models');
const WASM_DIR = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));

/** Faces are found on a copy no larger than this (the detector works at 256 px anyway). */
const DETECT_MAX_SIDE = 1024;

export const FACE_MODEL = 'human-3.3.6 blazeface+faceres (1024-d)';

let shimmed = false;
/**
 * Node's fetch cannot read file:// URLs, which is how Human loads its models. Serve those from
 * disk and pass everything else through untouched, so the rest of the process keeps its fetch.
 */
function installFileFetch(): void {
  if (shimmed) {
    return;
  }
  shimmed = true;
  const original = globalThis.fetch;
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith('file://')) {
      return original(input, init);
    }
    const bytes = await readFile(new URL(url));
    const type = url.endsWith('.json') ? 'application/json' : 'application/octet-stream';
    return new Response(bytes, { status: 200, headers: { 'content-type': type } });
  };
}

/**
 * Face detection and embeddings with Human on TensorFlow.js's WebAssembly backend, with the
 * models shipped inside the npm package: nothing is fetched from the network. One instance per
 * process (the models take ~0.2 s to load and tens of MB); calls are serialised because the
 * wasm backend runs one inference at a time anyway.
 */
export class FaceEngine {
  static #shared: Promise<FaceEngine> | undefined;
  readonly #human: HumanInstance;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(human: HumanInstance) {
    this.#human = human;
  }

  /** The process-wide engine, loaded on first use. */
  static shared(): Promise<FaceEngine> {
    FaceEngine.#shared ??= FaceEngine.#load().catch((error: unknown) => {
      FaceEngine.#shared = undefined;
      throw error;
    });
    return FaceEngine.#shared;
  }

  static async #load(): Promise<FaceEngine> {
    installFileFetch();
    const module = require(path.join(HUMAN_DIST, 'human.node-wasm.js')) as HumanModule;
    const human = new module.Human({
      backend: 'wasm',
      wasmPath: WASM_DIR + path.sep + 'dist' + path.sep,
      wasmPlatformFetch: false,
      modelBasePath: pathToFileURL(MODELS_DIR).href + '/',
      cacheModels: false,
      debug: false,
      async: true,
      warmup: 'none',
      filter: { enabled: false },
      face: {
        enabled: true,
        detector: { rotation: false, maxDetected: 20, minConfidence: 0.3, return: false },
        mesh: { enabled: true },
        iris: { enabled: false },
        description: { enabled: true },
        emotion: { enabled: false },
        antispoof: { enabled: false },
        liveness: { enabled: false },
      },
      body: { enabled: false },
      hand: { enabled: false },
      object: { enabled: false },
      gesture: { enabled: false },
      segmentation: { enabled: false },
    });
    await human.load();
    return new FaceEngine(human);
  }

  /** Faces in an encoded image (any format sharp reads), boxes in the image's own pixels. */
  async detect(bytes: Uint8Array): Promise<DetectedFace[]> {
    let decoded: { data: Buffer; info: OutputInfo };
    let scale: number;
    try {
      const image = sharp(bytes, { failOn: 'error' }).rotate();
      const meta = await image.metadata();
      const width = meta.autoOrient.width;
      const height = meta.autoOrient.height;
      scale = Math.min(1, DETECT_MAX_SIDE / Math.max(width, height));
      decoded = await image
        .resize(Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale)))
        .removeAlpha()
        .toColourspace('srgb')
        .raw()
        .toBuffer({ resolveWithObject: true });
    } catch (error) {
      throw havenError('IMAGE_UNDECODABLE', { reason: (error as Error).message });
    }
    return this.#serial(() => this.#detectRaw(decoded.data, decoded.info, scale));
  }

  async #detectRaw(data: Buffer, info: OutputInfo, scale: number): Promise<DetectedFace[]> {
    const pixels = new Int32Array(data.length);
    for (let i = 0; i < data.length; i++) {
      pixels[i] = data[i]!;
    }
    const tensor = this.#human.tf.tensor4d(pixels, [1, info.height, info.width, 3], 'int32');
    try {
      const result = await this.#human.detect(tensor);
      if (result.error) {
        throw havenError('IMAGE_UNDECODABLE', { reason: `face detection failed: ${result.error}` });
      }
      return result.face
        .filter((face) => face.embedding && face.embedding.length > 0)
        .map((face) => toDetected(face, scale, info.width / scale, info.height / scale));
    } finally {
      tensor.dispose();
    }
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

function toDetected(face: HumanFace, scale: number, width: number, height: number): DetectedFace {
  const [x, y, w, h] = face.box.map((v) => v / scale) as [number, number, number, number];
  const left = Math.max(0, Math.round(x));
  const top = Math.max(0, Math.round(y));
  const box = {
    x: left,
    y: top,
    width: Math.max(1, Math.min(Math.round(width) - left, Math.round(w))),
    height: Math.max(1, Math.min(Math.round(height) - top, Math.round(h))),
  };
  // Small faces give unreliable embeddings: quality falls with the side below ~112 px.
  const side = Math.min(box.width, box.height);
  const quality = Math.min(1, side / 112) * face.faceScore;
  return {
    box,
    score: face.score,
    quality,
    embedding: normalise(Float32Array.from(face.embedding ?? [])),
  };
}

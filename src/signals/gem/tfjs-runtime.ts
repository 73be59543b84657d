import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfConverter from '@tensorflow/tfjs-converter';

const require = createRequire(import.meta.url);

export type Tf = typeof TfCore;
export type GraphModel = TfConverter.GraphModel;

interface WasmBackend {
  setWasmPaths(prefix: string, usePlatformFetch?: boolean): void;
}

interface ModelJson {
  readonly format?: string;
  readonly generatedBy?: string;
  readonly convertedBy?: string | null;
  readonly signature?: object;
  readonly modelTopology: object;
  readonly weightsManifest: readonly {
    readonly paths: readonly string[];
    readonly weights: readonly TfCore.io.WeightsManifestEntry[];
  }[];
}

/** Human's models folder: the weights ship inside the npm package, nothing is downloaded. */
export const HUMAN_MODELS_DIR = path.join(path.dirname(require.resolve('@vladmandic/human')), '..', 'models');

let backend: Promise<Tf> | undefined;

/**
 * TensorFlow.js on its WebAssembly backend, shared with the face engine (Human uses the same
 * tfjs-core instance): whichever starts first sets the wasm files' local path, the other reuses it.
 */
export function loadTf(): Promise<Tf> {
  backend ??= (async () => {
    const tf = require('@tensorflow/tfjs-core') as Tf;
    const wasm = require('@tensorflow/tfjs-backend-wasm') as WasmBackend;
    if (tf.getBackend() !== 'wasm') {
      const dist = path.join(
        path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')),
        'dist',
      );
      wasm.setWasmPaths(dist + path.sep, false);
      await tf.setBackend('wasm');
    }
    await tf.ready();
    return tf;
  })().catch((error: unknown) => {
    backend = undefined;
    throw error;
  });
  return backend;
}

/** Loads a tfjs graph model from local files (model.json and its weight shards) without fetch. */
export async function loadGraphModel(file: string): Promise<GraphModel> {
  await loadTf();
  const converter = require('@tensorflow/tfjs-converter') as typeof TfConverter;
  const json = JSON.parse(await readFile(file, 'utf8')) as ModelJson;
  const shards = await Promise.all(
    json.weightsManifest
      .flatMap((group) => group.paths)
      .map((shard) => readFile(path.join(path.dirname(file), shard))),
  );
  const weights = Buffer.concat(shards);
  const artifacts: TfCore.io.ModelArtifacts = {
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy ?? null,
    signature: json.signature,
  };
  return converter.loadGraphModel({ load: () => Promise.resolve(artifacts) });
}

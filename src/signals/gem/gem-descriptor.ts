import path from 'node:path';
import type { Tensor } from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import type { DecodedImage, ImageRegion } from '#haven/signals/signal-type.js';
import { gemPool, l2Normalise } from './gem-pooling.js';
import { HUMAN_MODELS_DIR, loadGraphModel, loadTf, type GraphModel } from './tfjs-runtime.js';

/**
 * The backbone layer pooled into the descriptor: the expansion of MobileNetV3's 12th block in
 * Human's CenterNet object detector (ImageNet-pretrained backbone, COCO-trained detector), 528
 * channels at 1/16 of the input. Measured on the shared scene/object photos against the other late
 * layers (the last expansion, the detector's own features, the stride-32 output): it ranked same
 * places best. Mid-level layers keep textures and shapes of things (wallpaper, furniture) that
 * survive a change of viewpoint, where the last layers only keep "what kind of scene".
 */
const LAYER = 'tower_0/MobilenetV3/expanded_conv_11/expand/hard_swish/mul_1';
/** The graph's input is fixed at 512x512 RGB, 0-255 (the detector normalises inside). */
const INPUT_SIDE = 512;
const GEM_POWER = 3;
export const GEM_DIMENSIONS = 528;

export const GEM_PIPELINE = `human-3.3.6-centernet;${LAYER};512-fill;gem-p3;l2`;

let model: Promise<GraphModel> | undefined;

function loadModel(): Promise<GraphModel> {
  model ??= loadGraphModel(path.join(HUMAN_MODELS_DIR, 'centernet.json')).catch((error: unknown) => {
    model = undefined;
    throw error;
  });
  return model;
}

let queue: Promise<unknown> = Promise.resolve();

/** Inference runs one at a time: the wasm backend computes one graph at a time anyway. */
function serial<T>(work: () => Promise<T>): Promise<T> {
  const run = queue.then(work, work);
  queue = run.catch(() => undefined);
  return run;
}

/**
 * A global descriptor of a picture (or of a region of it): the image is stretched to the
 * network's square input, a backbone feature map is GeM-pooled and L2-normalised. `mirror`
 * describes the left-right flipped picture (the pooled features are not mirror-invariant).
 */
export async function describeGem(
  image: DecodedImage,
  region: ImageRegion | null = null,
  mirror = false,
): Promise<Float32Array> {
  const area = region ?? { x: 0, y: 0, width: image.width, height: image.height };
  const rgb = await sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: image.channels },
  })
    .extract({ left: area.x, top: area.y, width: area.width, height: area.height })
    .toColourspace('srgb')
    .resize(INPUT_SIDE, INPUT_SIDE, { fit: 'fill', kernel: 'linear' })
    .flop(mirror)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const pixels = new Float32Array(INPUT_SIDE * INPUT_SIDE * 3);
  if (rgb.info.channels === 3) {
    for (let i = 0; i < pixels.length; i += 1) {
      pixels[i] = rgb.data[i]!;
    }
  } else {
    for (let i = 0; i < INPUT_SIDE * INPUT_SIDE; i += 1) {
      const grey = rgb.data[i * rgb.info.channels]!;
      pixels[i * 3] = grey;
      pixels[i * 3 + 1] = grey;
      pixels[i * 3 + 2] = grey;
    }
  }
  const [tf, graph] = await Promise.all([loadTf(), loadModel()]);
  return serial(async () => {
    const input = tf.tensor4d(pixels, [1, INPUT_SIDE, INPUT_SIDE, 3], 'float32');
    try {
      const output = graph.execute(input, LAYER) as Tensor;
      try {
        const [, height, width, channels] = output.shape as [number, number, number, number];
        const map = (await output.data()) as Float32Array;
        return l2Normalise(gemPool(map, height * width, channels, GEM_POWER));
      } finally {
        output.dispose();
      }
    } finally {
      input.dispose();
    }
  });
}

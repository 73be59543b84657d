import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createWorker, OEM, type Block, type Worker } from 'tesseract.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

const require = createRequire(import.meta.url);

/** Languages whose trained data ships in @tesseract.js-data packages (installed with Haven). */
export const OCR_LANGUAGES = ['eng', 'fra', 'deu', 'spa', 'ukr', 'ara'] as const;

export const OCR_ENGINE = `tesseract.js-7.0.0 ${OCR_LANGUAGES.join('+')} (best_int)`;

/**
 * Words read with less confidence are dropped: on pictures without text (textures, noise) the
 * recogniser still "reads" a few low-confidence shapes, which would pollute search and clues.
 */
const MIN_WORD_CONFIDENCE = 60;

/** Text is read on a copy no larger than this: enough for signs and labels, bounded CPU. */
const OCR_MAX_SIDE = 2000;
const OCR_MIN_SIDE = 1000;

export interface RecognisedText {
  readonly text: string;
  /** Mean word confidence, 0..100. */
  readonly confidence: number;
  readonly words: number;
}

/**
 * Each language's data lives in its own npm package, while tesseract.js reads every language from
 * one folder: link them into a private temporary folder (nothing is downloaded or copied).
 */
function languageFolder(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'haven-ocr-'));
  for (const code of OCR_LANGUAGES) {
    const pkg = path.dirname(require.resolve(`@tesseract.js-data/${code}`));
    symlinkSync(
      path.join(pkg, '4.0.0_best_int', `${code}.traineddata.gz`),
      path.join(dir, `${code}.traineddata.gz`),
    );
  }
  return dir;
}

/**
 * Optical character recognition with tesseract.js (WebAssembly, in a worker thread), fully
 * offline. One worker per process, loaded on first use (~2-4 s), reused for every image; calls
 * are serialised because the worker reads one image at a time.
 */
export class OcrEngine {
  static #shared: Promise<OcrEngine> | undefined;
  readonly #worker: Worker;
  readonly #dir: string;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(worker: Worker, dir: string) {
    this.#worker = worker;
    this.#dir = dir;
  }

  static shared(): Promise<OcrEngine> {
    OcrEngine.#shared ??= OcrEngine.#load().catch((error: unknown) => {
      OcrEngine.#shared = undefined;
      throw error;
    });
    return OcrEngine.#shared;
  }

  /** Ends the process-wide worker (its thread would otherwise keep the process alive). */
  static async closeShared(): Promise<void> {
    const shared = OcrEngine.#shared;
    OcrEngine.#shared = undefined;
    if (shared) {
      const engine = await shared.catch(() => undefined);
      await engine?.close();
    }
  }

  static async #load(): Promise<OcrEngine> {
    const dir = languageFolder();
    try {
      const worker = await createWorker(OCR_LANGUAGES.join('+'), OEM.LSTM_ONLY, {
        langPath: dir,
        gzip: true,
        cacheMethod: 'none',
      });
      return new OcrEngine(worker, dir);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  async recognise(bytes: Uint8Array): Promise<RecognisedText> {
    let png: Buffer;
    try {
      const image = sharp(bytes, { failOn: 'error' }).rotate();
      const meta = await image.metadata();
      const longer = Math.max(meta.autoOrient.width, meta.autoOrient.height);
      // Small pictures (video keyframes are kept at a few hundred pixels) are enlarged: the
      // recogniser needs letters of some 20 px or more.
      const side = longer < OCR_MIN_SIDE ? OCR_MIN_SIDE : Math.min(longer, OCR_MAX_SIDE);
      png = await image.resize(side, side, { fit: 'inside' }).greyscale().png().toBuffer();
    } catch (error) {
      throw havenError('IMAGE_UNDECODABLE', { reason: (error as Error).message });
    }
    return this.#serial(async () => {
      const result = await this.#worker.recognize(png, {}, { text: true, blocks: true });
      return keepConfidentWords(result.data.blocks ?? []);
    });
  }

  async close(): Promise<void> {
    await this.#worker.terminate();
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

/** The lines of confident words, one per line of text, and their mean confidence. */
function keepConfidentWords(blocks: readonly Block[]): RecognisedText {
  const lines: string[] = [];
  let sum = 0;
  let words = 0;
  for (const block of blocks) {
    for (const paragraph of block.paragraphs) {
      for (const line of paragraph.lines) {
        const kept = line.words.filter(
          (word) => word.confidence >= MIN_WORD_CONFIDENCE && word.text.trim() !== '',
        );
        if (kept.length === 0) {
          continue;
        }
        lines.push(kept.map((word) => word.text.trim()).join(' '));
        sum += kept.reduce((total, word) => total + word.confidence, 0);
        words += kept.length;
      }
    }
  }
  return { text: lines.join('\n'), confidence: words === 0 ? 0 : sum / words, words };
}

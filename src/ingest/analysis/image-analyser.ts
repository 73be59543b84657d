import { workerScriptUrl } from '#haven/platform/workers/worker-script.js';
import { WorkerPool, WorkerTaskError } from '#haven/platform/workers/worker-pool.js';
import { HavenError, havenError } from '#haven/platform/errors/haven-error.js';
import { ERROR_CATALOGUE, type ErrorCode } from '#haven/platform/errors/error-catalogue.js';
import type { ImageTask, ImageTaskResult } from '#haven/ingest/analysis/image-task.js';

/** Decodes and hashes images on worker threads, so that every core works and the main thread stays free. */
export class ImageAnalyser {
  readonly #pool: WorkerPool<ImageTask, ImageTaskResult>;

  constructor(threads: number) {
    this.#pool = new WorkerPool(workerScriptUrl(import.meta.url, './image-worker.js'), threads);
  }

  async analyse(task: ImageTask): Promise<ImageTaskResult> {
    try {
      return await this.#pool.run(task);
    } catch (error) {
      throw asHavenError(error);
    }
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}

function asHavenError(error: unknown): HavenError {
  if (error instanceof WorkerTaskError && error.code !== undefined && error.code in ERROR_CATALOGUE) {
    const code = error.code as ErrorCode;
    const restored = new HavenError(code, {});
    // Keep the worker's fully rendered message.
    Object.defineProperty(restored, 'message', { value: error.message });
    return restored;
  }
  return havenError(
    'IMAGE_UNDECODABLE',
    { reason: error instanceof Error ? error.message : String(error) },
    error,
  );
}

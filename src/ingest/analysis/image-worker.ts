import { serveWorkerTasks } from '#haven/platform/workers/worker-side.js';
import type { ImageTask, ImageTaskResult } from '#haven/ingest/analysis/image-task.js';
import { runImageTask } from '#haven/ingest/analysis/run-image-task.js';

// Entry point of an image worker thread.
serveWorkerTasks<ImageTask, ImageTaskResult>(async (task) => ({ result: await runImageTask(task) }));

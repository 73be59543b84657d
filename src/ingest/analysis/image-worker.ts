import sharp from 'sharp';
import { serveWorkerTasks } from '#haven/platform/workers/worker-side.js';
import type { ImageTask } from '#haven/ingest/analysis/image-task.js';
import { runImageTask } from '#haven/ingest/analysis/run-image-task.js';

// Every image is seen once: sharp's operation cache would only hold memory.
sharp.cache(false);

// Entry point of an image worker thread.
// Tasks come only from ImageAnalyser in the parent thread, typed there.
serveWorkerTasks(async (task) => ({ result: await runImageTask(task as ImageTask) }));

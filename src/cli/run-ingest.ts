import type { Haven } from '#haven/app/haven.js';
import { runIngestToCompletion } from '#haven/app/run-ingest.js';
import { Progress } from '#haven/cli/output/progress.js';
import { stdoutIsTty } from '#haven/cli/output/stdout.js';
import type { IngestRecord } from '#haven/ingest/ingest.types.js';

/** Runs an ingest to completion with a progress line on the terminal. */
export async function runIngest(
  haven: Haven,
  request: { caseReference: string; sources: readonly string[]; agencyId?: string },
): Promise<IngestRecord> {
  const progress = new Progress(stdoutIsTty());
  try {
    return await runIngestToCompletion(haven, request, (p) => {
      if (p.phase === 'enumerating') {
        progress.update(`Finding files… ${p.found}`);
      } else {
        progress.bar('Ingesting', p.handled, Math.max(p.found, p.handled));
      }
    });
  } finally {
    progress.done();
  }
}

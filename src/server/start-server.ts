import type { FastifyInstance } from 'fastify';
import type { Haven } from '#haven/app/haven.js';
import { apiParts } from '#haven/server/api-parts.js';
import { buildServer } from '#haven/server/build-server.js';
import { Readiness } from '#haven/server/readiness.js';

export interface RunningServer {
  readonly app: FastifyInstance;
  /** Base URL, e.g. http://127.0.0.1:8080 */
  readonly url: string;
  /** Graceful shutdown: stop accepting, finish requests, hand running jobs back, save indexes. */
  close(): Promise<void>;
}

/**
 * Serves the API and runs the background work of one process: job workers and the periodic index
 * refresh that picks up what other processes stored.
 */
export async function startServer(
  haven: Haven,
  options: { port?: number; listen?: string } = {},
): Promise<RunningServer> {
  const readiness = new Readiness(haven);
  const app = await buildServer({ haven, readiness, ...apiParts(haven) });
  const refreshMs = haven.config.server.indexRefreshSeconds * 1000;
  let refreshing = false;
  const refresh = async (): Promise<void> => {
    if (refreshing) {
      return;
    }
    refreshing = true;
    try {
      await haven.indexes.refresh();
      readiness.noteIndexRefreshed();
    } catch (error) {
      readiness.noteIndexRefreshFailed(error);
      haven.log.warn('index refresh failed', { error: String(error) });
    } finally {
      refreshing = false;
    }
    // Tips the public portal dropped reach the inboxes (and the public figures) without a visit.
    await haven.tips.takeIn().catch((error: unknown) => {
      haven.log.warn('taking in portal tips failed', { error: String(error) });
    });
  };
  await refresh();
  const timer = setInterval(() => void refresh(), refreshMs);
  haven.jobs.start(haven.config.server.jobConcurrency);
  const port = options.port ?? haven.config.server.port;
  const host = options.listen ?? haven.config.server.listen;
  let address: string;
  try {
    address = await app.listen({ port, host });
  } catch (error) {
    clearInterval(timer);
    await haven.jobs.stop();
    throw error;
  }
  haven.log.info(`Haven listening on ${address}`, { dataDir: haven.config.dataDir });
  let closing: Promise<void> | undefined;
  return {
    app,
    url: address,
    close() {
      closing ??= (async () => {
        clearInterval(timer);
        await app.close();
        await haven.jobs.stop();
      })();
      return closing;
    },
  };
}

import type { Haven } from '#haven/app/haven.js';
import { startServer, type RunningServer } from '#haven/server/start-server.js';

/** Serves until SIGTERM or SIGINT, then shuts down gracefully and closes Haven. */
export async function serveUntilSignal(
  haven: Haven,
  onListening: (server: RunningServer) => void = () => undefined,
): Promise<void> {
  const server = await startServer(haven).catch(async (error: unknown) => {
    await haven.close();
    throw error;
  });
  onListening(server);
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string): void => {
      haven.log.info(`${signal}: shutting down`);
      void server
        .close()
        .then(() => haven.close())
        .finally(resolve);
    };
    process.once('SIGTERM', () => {
      shutdown('SIGTERM');
    });
    process.once('SIGINT', () => {
      shutdown('SIGINT');
    });
  });
}

import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { StoreUnavailable } from '@chip-ledger/event-store';
import { AdminBootstrap } from './admin-bootstrap';

const MAX_BOOTSTRAP_DELAY_MS = 5000;

export type ServeOptions = {
  /** Where the first-start admin key is shown (standard output by default). */
  readonly announce?: (message: string) => void;
};

/**
 * Serves an application built on the ledger's infrastructure module: listens first, then settles the first-start
 * admin key from the event store (AdminBootstrap), retrying while the store does not answer. How far the read models
 * are behind plays no part: the server answers from the moment it listens (reads 503 `read-model-behind` until the
 * read side has caught up). Rejects only when the server cannot start (port taken, read models locked by another
 * process, a store that refuses the bootstrap), after closing the application.
 */
export const serve = async <App extends INestApplication>(app: App, port: number, options: ServeOptions = {}): Promise<App> => {
  try {
    // Lines Nest held back while the application was built (if it was created with bufferLogs), now in the app's logger.
    app.flushLogs();
    // Every interface, as Node listens by default (Fastify listens on localhost only unless told).
    await app.listen(port, '0.0.0.0');
    await ensureAdminOnceReachable(app.get(AdminBootstrap), options.announce);
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
};

const ensureAdminOnceReachable = async (bootstrap: AdminBootstrap, announce?: (message: string) => void): Promise<void> => {
  const logger = new Logger('AdminBootstrap');
  for (let delay = 250; ; delay = Math.min(delay * 2, MAX_BOOTSTRAP_DELAY_MS)) {
    try {
      await bootstrap.ensureAdmin(announce);
      return;
    } catch (error) {
      if (!(error instanceof StoreUnavailable)) throw error;
      logger.warn(`The event store does not answer yet (${error.message}); checking for the admin party again in ${delay} ms`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
};

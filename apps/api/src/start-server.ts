import type { LoggerService, LogLevel } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { StoreUnavailable } from '@chip-ledger/event-store';
import { AppModule } from './app.module';
import { AdminBootstrap } from './auth/admin-bootstrap';
import { configureApp } from './configure-app';
import type { LedgerConfig } from './infrastructure/ledger-config';

const MAX_BOOTSTRAP_DELAY_MS = 5000;

export type StartOptions = {
  readonly logger?: LoggerService | LogLevel[] | false;
  /** Where the first-start admin key is shown (standard output by default). */
  readonly announce?: (message: string) => void;
};

/**
 * Starts the HTTP API as `npm start` and `cli serve` do: listens first, then settles the first-start admin key from
 * the event store (AdminBootstrap), retrying while the store does not answer. How far the read models are behind
 * plays no part: the server answers from the moment it listens (reads 503 `read-model-behind` until the read side
 * has caught up). Rejects only when the server cannot start (port taken, read models locked by another process,
 * a store that refuses the bootstrap), after closing what it opened.
 */
export const startServer = async (config: LedgerConfig, options: StartOptions = {}): Promise<NestExpressApplication> => {
  const app = configureApp(
    await NestFactory.create<NestExpressApplication>(AppModule.register(config), { bodyParser: false, logger: options.logger, abortOnError: false, bufferLogs: true }),
    config,
  );
  try {
    await app.listen(config.port);
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

import type { LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { LedgerConfig, ServeOptions } from '@chip-ledger/runtime';
import { serve } from '@chip-ledger/runtime';
import { AppModule } from './app.module';
import { configureApp } from './configure-app';

export type StartOptions = ServeOptions & {
  readonly logger?: LoggerService | LogLevel[] | false;
};

/**
 * Starts the HTTP API as `npm start` does: this application's module, configured as the tests configure it, served
 * by the runtime's `serve` (listen, then the first-start admin key). Rejects only when the server cannot start, after
 * closing what it opened.
 */
export const startServer = async (config: LedgerConfig, options: StartOptions = {}): Promise<NestExpressApplication> => {
  const app = configureApp(
    await NestFactory.create<NestExpressApplication>(AppModule.register(config), { bodyParser: false, logger: options.logger, abortOnError: false, bufferLogs: true }),
    config,
  );
  return serve(app, config.port, options);
};

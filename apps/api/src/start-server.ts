import type { LoggerService, LogLevel } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { LedgerConfig, ServeOptions } from '@chip-ledger/runtime';
import { serve } from '@chip-ledger/runtime';
import { createLedgerApp } from './configure-app';

export type StartOptions = ServeOptions & {
  readonly logger?: LoggerService | LogLevel[] | false;
};

/**
 * Starts the HTTP API as `npm start` does: this application's module, configured as the tests configure it, served
 * by the runtime's `serve` (listen, then the first-start admin key). Rejects only when the server cannot start, after
 * closing what it opened. Nest's lines wait for the JSON logger (`serve` flushes them): if the application cannot
 * even be built, they are dropped rather than printed as Nest's text, and the caller logs the error once, as JSON.
 */
export const startServer = async (config: LedgerConfig, options: StartOptions = {}): Promise<NestFastifyApplication> =>
  serve(await createLedgerApp(config, { logger: options.logger, bufferLogs: true, autoFlushLogs: false }), config.port, options);

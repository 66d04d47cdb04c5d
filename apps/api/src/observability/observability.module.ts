import type { DynamicModule } from '@nestjs/common';
import { Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { pino } from 'pino';
import type { LedgerConfig } from '@chip-ledger/runtime';
import { ReadSideFailureReporter, createLedgerLogger } from '@chip-ledger/runtime';
import { LedgerMetrics } from './ledger-metrics';
import { MetricsController } from './metrics.controller';
import { ReadSideFailures } from './read-side-failures';
import { RepeatedErrorLog } from './repeated-error-log';
import { observeRequests } from './observe-requests';

/**
 * Standard output, written asynchronously: a line per request otherwise costs the event loop a write system call
 * per request (and a blocked pipe would stall every request). Lines still leave within the same turn of the loop
 * or the next; pino writes what is left synchronously when the process exits.
 */
const standardOutput = (): DestinationStream => pino.destination({ dest: 1, sync: false });

export const LEDGER_LOGGER = Symbol('LEDGER_LOGGER');
export const REQUEST_OBSERVER = Symbol('REQUEST_OBSERVER');

/** Logs and metrics. One pino logger per application, shared by the access lines, Nest's logger and the error log. */
@Global()
@Module({})
export class ObservabilityModule {
  static register(config: LedgerConfig, logDestination?: DestinationStream): DynamicModule {
    const logger = createLedgerLogger(config.logLevel, logDestination ?? standardOutput());
    return {
      module: ObservabilityModule,
      // nestjs-pino only carries Nest's own lines into pino here. Its middleware is left out (no routes): requests are
      // observed by configureApp ahead of the body parser, and binding a logger per request to an AsyncLocalStorage
      // would put a hook on every promise the process makes, for lines that already carry their request id.
      imports: [LoggerModule.forRoot({ pinoHttp: { logger }, useExisting: true, forRoutes: [] })],
      controllers: [MetricsController],
      providers: [
        { provide: LEDGER_LOGGER, useValue: logger },
        { provide: LedgerMetrics, useFactory: () => new LedgerMetrics() },
        { provide: REQUEST_OBSERVER, useFactory: (metrics: LedgerMetrics) => observeRequests(logger, metrics), inject: [LedgerMetrics] },
        { provide: RepeatedErrorLog, useFactory: () => new RepeatedErrorLog(logger) },
        ReadSideFailures,
        { provide: ReadSideFailureReporter, useExisting: ReadSideFailures },
      ],
      exports: [LEDGER_LOGGER, LedgerMetrics, RepeatedErrorLog, ReadSideFailures, ReadSideFailureReporter],
    };
  }
}

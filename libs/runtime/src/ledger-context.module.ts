import type { DynamicModule } from '@nestjs/common';
import { Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import type { LedgerConfig } from './ledger-config';
import { LedgerInfrastructureModule } from './ledger-infrastructure.module';
import { ProjectionsStarter } from './projections-starter';
import { LoggedReadSideFailures, ReadSideFailureReporter } from './read-side-failure-reporter';

/**
 * The ledger without HTTP, for commands run next to (or instead of) the server: the same store, command handler and
 * read models following the log, with read-side failures logged. Nest's own lines go to `logger` once the caller hands
 * it to the application (`app.useLogger(app.get(Logger))` of nestjs-pino). Global so the infrastructure module sees
 * the reporter.
 */
@Global()
@Module({})
export class LedgerContextModule {
  /** `holder`: who the read models' lock names while this context holds it. */
  static register(config: LedgerConfig, logger: Logger, holder: string): DynamicModule {
    return {
      module: LedgerContextModule,
      imports: [LedgerInfrastructureModule.register(config, { holder }), LoggerModule.forRoot({ pinoHttp: { logger }, useExisting: true, forRoutes: [] })],
      providers: [{ provide: ReadSideFailureReporter, useClass: LoggedReadSideFailures }, ProjectionsStarter],
      exports: [ReadSideFailureReporter],
    };
  }
}

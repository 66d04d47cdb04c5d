import type { DynamicModule } from '@nestjs/common';
import { Global, Module } from '@nestjs/common';
import type { LedgerConfig } from './ledger-config';
import { LedgerInfrastructureModule } from './ledger-infrastructure.module';
import { ProjectionsStarter } from './projections-starter';
import { LoggedReadSideFailures, ReadSideFailureReporter } from './read-side-failure-reporter';

/**
 * The ledger without HTTP, for commands run next to (or instead of) the server: the same store, command handler and
 * read models following the log, with read-side failures logged. Global so the infrastructure module sees the reporter.
 */
@Global()
@Module({})
export class LedgerContextModule {
  static register(config: LedgerConfig): DynamicModule {
    return {
      module: LedgerContextModule,
      imports: [LedgerInfrastructureModule.register(config)],
      providers: [{ provide: ReadSideFailureReporter, useClass: LoggedReadSideFailures }, ProjectionsStarter],
      exports: [ReadSideFailureReporter],
    };
  }
}

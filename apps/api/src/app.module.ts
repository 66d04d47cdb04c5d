import type { DynamicModule } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AssetCommandsController } from './assets/asset-commands.controller';
import { AssetQueriesController } from './assets/asset-queries.controller';
import { ApiKeyGuard } from './auth/api-key.guard';
import { FacilitiesController } from './facilities/facilities.controller';
import { CatalogueController } from './health/catalogue.controller';
import { HealthController } from './health/health.controller';
import { CommandGateway } from './http/command-gateway';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { ReadSide } from './http/read-side';
import { ledgerValidationPipe } from './http/validation';
import type { LedgerConfig } from '@chip-ledger/runtime';
import { LedgerInfrastructureModule, ProjectionsStarter } from '@chip-ledger/runtime';
import { ObservabilityModule } from './observability/observability.module';
import { PartiesController } from './parties/parties.controller';

@Module({})
export class AppModule {
  /** `logDestination`: where the JSON log goes instead of standard output (a test reads it). */
  static register(config: LedgerConfig, { logDestination }: { logDestination?: DestinationStream } = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [LedgerInfrastructureModule.register(config), ObservabilityModule.register(config, logDestination)],
      controllers: [
        AssetCommandsController, AssetQueriesController, PartiesController, FacilitiesController,
        HealthController, CatalogueController,
      ],
      providers: [
        CommandGateway, ReadSide, ProjectionsStarter,
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useFactory: ledgerValidationPipe },
      ],
    };
  }
}

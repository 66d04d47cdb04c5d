import type { DynamicModule, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Global, Inject, Logger, Module } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ClaimSettler, LedgerCommandHandler, fileSettlerCheckpoint, systemClock } from '@chip-ledger/application';
import { EVENT_STORE } from '@chip-ledger/event-store';
import type { EventStore } from '@chip-ledger/event-store';
import { LedgerQueries, LiveReadModels, ProjectionRunner } from '@chip-ledger/projections';
import { AdminBootstrap } from './admin-bootstrap';
import type { LedgerConfig } from './ledger-config';
import { openEventStore } from './open-event-store';
import { ReadSideFailureReporter } from './read-side-failure-reporter';
import { CLOCK, LEDGER_CONFIG } from './tokens';

/**
 * Read models are local to each API instance (with EventStoreDB, every instance projects the shared log itself), in
 * the current generation of the data directory; a `cli rebuild` publishes a new one, which this process moves to.
 */
export const openLiveReadModels = (
  config: LedgerConfig, store: EventStore, failures: ReadSideFailureReporter, holder = 'chip-ledger API',
): LiveReadModels => {
  mkdirSync(config.dataDir, { recursive: true });
  const logger = new Logger('ReadModels');
  return new LiveReadModels(config.dataDir, store, {
    runner: { holder, onError: (error) => failures.report(error), ...config.projection },
    onError: (error) => logger.warn(`Could not move to the rebuilt read models yet: ${error instanceof Error ? error.message : String(error)}`),
  });
};

/**
 * Queries that always answer from the current generation: controllers keep one LedgerQueries for the life of the
 * process, while the generation behind it changes when a rebuild is published. Every call goes to
 * `live.queries` of the moment, so new query methods need nothing here.
 */
const currentQueries = (live: LiveReadModels): LedgerQueries =>
  new Proxy(Object.create(LedgerQueries.prototype) as LedgerQueries, {
    get: (_target, property) => {
      const queries = live.queries;
      const value: unknown = Reflect.get(queries, property, queries);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(queries) : value;
    },
  });

class LedgerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ClaimSettler');
  /** Completes or undoes multi-stream commands interrupted between their appends (docs/adr/0001). EventStoreDB only. */
  private settler: ClaimSettler | null = null;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readModels: LiveReadModels,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  onApplicationBootstrap(): void {
    // The embedded store writes a command's streams in one transaction: nothing to settle.
    if (this.store.info.kind !== 'eventstoredb') return;
    const settler = new ClaimSettler(this.store, {
      checkpoint: fileSettlerCheckpoint(join(this.config.dataDir, 'settler-checkpoint.json')),
      onSettled: (commandId, outcome) => this.logger.warn(`interrupted command ${commandId} ${outcome}`),
      onError: (error) => this.logger.warn(`settler: ${(error as Error).message}`),
    });
    this.settler = settler;
    settler.start().catch((error: unknown) => this.logger.warn(`settler not started: ${(error as Error).message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.settler?.stop();
    await this.readModels.close();
    await this.store.close();
  }
}

@Global()
@Module({})
export class LedgerInfrastructureModule {
  /** `holder`: who holds the read models' lock, as a second process that tries to project into them is told. */
  static register(config: LedgerConfig, { holder }: { holder?: string } = {}): DynamicModule {
    return {
      module: LedgerInfrastructureModule,
      providers: [
        { provide: LEDGER_CONFIG, useValue: config },
        { provide: CLOCK, useValue: systemClock },
        { provide: EVENT_STORE, useFactory: () => openEventStore(config) },
        {
          provide: LiveReadModels,
          useFactory: (store: EventStore, failures: ReadSideFailureReporter) => openLiveReadModels(config, store, failures, holder),
          inject: [EVENT_STORE, ReadSideFailureReporter],
        },
        { provide: LedgerQueries, useFactory: currentQueries, inject: [LiveReadModels] },
        { provide: ProjectionRunner, useFactory: (live: LiveReadModels) => live.runner, inject: [LiveReadModels] },
        { provide: LedgerCommandHandler, useFactory: (store: EventStore) => new LedgerCommandHandler(store), inject: [EVENT_STORE] },
        AdminBootstrap,
        LedgerLifecycle,
      ],
      exports: [LEDGER_CONFIG, CLOCK, EVENT_STORE, LiveReadModels, LedgerQueries, ProjectionRunner, LedgerCommandHandler, AdminBootstrap],
    };
  }
}

import type { DynamicModule, OnApplicationShutdown } from '@nestjs/common';
import { Global, Inject, Module } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LedgerCommandHandler, systemClock } from '@chip-ledger/application';
import { EVENT_STORE, openEsdbEventStore, openSqliteEventStore } from '@chip-ledger/event-store';
import type { EventStore } from '@chip-ledger/event-store';
import { LedgerQueries, ProjectionRunner, ReadModelDb, openReadModelDb } from '@chip-ledger/projections';
import type { LedgerConfig } from './ledger-config';
import { CLOCK, LEDGER_CONFIG } from './tokens';

/** EventStoreDB when a connection string is configured, else the embedded store in the data directory. */
export const openEventStore = (config: LedgerConfig): EventStore => {
  if (config.eventStoreConnectionString) return openEsdbEventStore({ connectionString: config.eventStoreConnectionString });
  mkdirSync(config.dataDir, { recursive: true });
  // Concurrent requests' appends share a transaction (group commit): one commit, and one sync, per turn of the event loop.
  return openSqliteEventStore({
    file: join(config.dataDir, 'events.sqlite'), groupCommit: true, synchronous: config.eventStoreSynchronous ?? 'FULL',
  });
};

/** Read models are local to each API instance: with EventStoreDB, every instance projects the shared log itself. */
export const openReadModels = (config: LedgerConfig): ReadModelDb => {
  mkdirSync(config.dataDir, { recursive: true });
  return openReadModelDb(join(config.dataDir, 'read-models.sqlite'));
};

class LedgerLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly runner: ProjectionRunner,
    private readonly readModels: ReadModelDb,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
    await this.store.close();
    this.readModels.close();
  }
}

@Global()
@Module({})
export class LedgerInfrastructureModule {
  static register(config: LedgerConfig): DynamicModule {
    return {
      module: LedgerInfrastructureModule,
      providers: [
        { provide: LEDGER_CONFIG, useValue: config },
        { provide: CLOCK, useValue: systemClock },
        { provide: EVENT_STORE, useFactory: () => openEventStore(config) },
        { provide: ReadModelDb, useFactory: () => openReadModels(config) },
        { provide: LedgerQueries, useFactory: (db: ReadModelDb) => new LedgerQueries(db), inject: [ReadModelDb] },
        {
          provide: ProjectionRunner,
          useFactory: (store: EventStore, db: ReadModelDb) => new ProjectionRunner(store, db),
          inject: [EVENT_STORE, ReadModelDb],
        },
        { provide: LedgerCommandHandler, useFactory: (store: EventStore) => new LedgerCommandHandler(store), inject: [EVENT_STORE] },
        LedgerLifecycle,
      ],
      exports: [LEDGER_CONFIG, CLOCK, EVENT_STORE, ReadModelDb, LedgerQueries, ProjectionRunner, LedgerCommandHandler],
    };
  }
}

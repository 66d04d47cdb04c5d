import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Actor, CommandData, CommandMetadata, CommandOf, LedgerCommand, LedgerCommandType, Role } from '@chip-ledger/domain';
import { ledgerCommand } from '@chip-ledger/domain';
import { LedgerCommandHandler } from '@chip-ledger/application';
import type { AppendResult, EventStore, StreamWrite } from '@chip-ledger/event-store';
import { EsdbEventStore, openSqliteEventStore } from '@chip-ledger/event-store';
import type { ReadModelDb } from '@chip-ledger/projections';
import { ReadModelProjector, openReadModelDb } from '@chip-ledger/projections';
import type { EsdbTestServer } from '../esdb/esdb-test-server';
import { startEsdbTestServer } from '../esdb/esdb-test-server';

/** A store for a command-path test: the embedded one in a temporary directory, or the adapter on the test server. */
export type OpenedStore = {
  readonly store: EventStore;
  readonly server: EsdbTestServer | null;
  readonly dir: string;
  close(): Promise<void>;
};

export type StoreKind = 'sqlite' | 'eventstoredb';

export const openStore = async (kind: StoreKind): Promise<OpenedStore> => {
  const dir = mkdtempSync(join(tmpdir(), 'chip-ledger-commands-'));
  if (kind === 'sqlite') {
    const store = openSqliteEventStore({ file: join(dir, 'events.db'), synchronous: 'NORMAL' });
    return { store, server: null, dir, close: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); } };
  }
  const server = await startEsdbTestServer({ writeTimeoutMs: 100, replicationDelayMs: 30, systemEventEvery: 0 });
  const store = new EsdbEventStore({
    connectionString: server.connectionString, retryPolicy: { attempts: 4, firstDelayMs: 5, maxDelayMs: 50, budgetMs: 2_000 },
  });
  return {
    store, server, dir,
    close: async () => {
      await store.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

/**
 * The store as a process that stops (dies) after `appends` appends: a multi-stream command's writes go one by one,
 * as on EventStoreDB, and whatever comes after the stop is never written. The client never retries.
 */
export class StoppingStore {
  private remaining: number;

  constructor(private readonly inner: EventStore, appends: number) {
    this.remaining = appends;
  }

  get store(): EventStore {
    return new Proxy(this.inner, {
      get: (target, property) => {
        if (property === 'appendToStreams') return (writes: readonly StreamWrite[]) => this.appendOneByOne(writes);
        const value = Reflect.get(target, property) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  private async appendOneByOne(writes: readonly StreamWrite[]): Promise<AppendResult[]> {
    const results: AppendResult[] = [];
    for (const write of writes) {
      if (this.remaining-- <= 0) throw new Error('the process stopped here');
      results.push(await this.inner.appendToStream(write.streamName, write.events, write.expectedRevision));
    }
    return results;
  }
}

const ROLES: Record<string, readonly Role[]> = {
  admin: ['admin'], maker: ['manufacturer'], carrier: ['carrier'], dcop: ['operator'], buyer: ['operator'],
};

/** Builds commands with a forward-moving ledger clock and numbered command ids. */
export class CommandFactory {
  private clock = Date.parse('2026-11-01T00:00:00.000Z');
  private count = 0;

  constructor(private readonly prefix = 'cmd') {}

  make<T extends LedgerCommandType>(partyId: string, type: T, data: CommandData<T>, extra: Partial<CommandMetadata> = {}): CommandOf<T> {
    this.clock += 1000;
    const now = new Date(this.clock).toISOString();
    const actor: Actor = { partyId, roles: [...(ROLES[partyId] ?? [])] };
    return ledgerCommand(type, data, { now, occurredAt: now, commandId: `${this.prefix}-${++this.count}`, actor, ...extra });
  }
}

/**
 * Parties, two facilities (an assembly plant in TW, a datacenter in US) and the named assets at the plant: ids starting
 * with `board` are boards, the others H100 chips.
 */
export const seedLedger = async (handler: LedgerCommandHandler, commands: CommandFactory, assetIds: readonly string[] = []): Promise<void> => {
  const run = (command: LedgerCommand) => handler.execute(command);
  for (const [partyId, country] of [['maker', 'TW'], ['carrier', 'TW'], ['dcop', 'US'], ['buyer', 'US']] as const) {
    await run(commands.make('admin', 'RegisterParty', { partyId, name: partyId, roles: [...ROLES[partyId]], country }));
  }
  await run(commands.make('admin', 'RegisterFacility', { facilityId: 'fab', name: 'Fab', kind: 'assembly', country: 'TW', operatorId: 'maker' }));
  await run(commands.make('admin', 'RegisterFacility', { facilityId: 'dc', name: 'DC', kind: 'datacenter', country: 'US', operatorId: 'dcop' }));
  for (const assetId of assetIds) {
    const board = assetId.startsWith('board');
    await run(commands.make('maker', 'ManufactureAsset', { assetId, kind: board ? 'board' : 'chip', model: board ? 'HGX' : 'nvidia-h100-sxm', facilityId: 'fab' }));
  }
};

/** A seeded ledger on one store, as the command-path specs open it before each test. */
export type SeededLedger = { readonly opened: OpenedStore; readonly handler: LedgerCommandHandler; readonly commands: CommandFactory };

export const openSeededLedger = async (kind: StoreKind, assetIds: readonly string[]): Promise<SeededLedger> => {
  const opened = await openStore(kind);
  const handler = new LedgerCommandHandler(opened.store);
  const commands = new CommandFactory();
  await seedLedger(handler, commands, assetIds);
  return { opened, handler, commands };
};

/** Polls until the condition holds (the test's own timeout bounds the wait). */
export const until = async (condition: () => boolean): Promise<void> => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
};

/** Projects the whole log into a fresh read-model file, `batchSize` events per batch. */
export const projectAll = async (opened: OpenedStore, name: string, batchSize = 500): Promise<ReadModelDb> => {
  const db = openReadModelDb(join(opened.dir, `${name}.db`));
  const projector = new ReadModelProjector(db);
  let batch = [];
  for await (const event of opened.store.readAll()) {
    batch.push(event);
    if (batch.length >= batchSize) {
      projector.applyBatch(batch);
      batch = [];
    }
  }
  if (batch.length) projector.applyBatch(batch);
  return db;
};

/**
 * Every read-model row, as on any store: global positions (which differ between stores) and wall-clock columns
 * left out, each table's rows sorted.
 */
export const portableDump = (db: ReadModelDb): Record<string, string[]> => {
  const dump: Record<string, string[]> = {};
  for (const table of ['assets', 'asset_events', 'containment', 'asset_parties', 'facility_inventory', 'parties', 'facilities', 'pending_claims']) {
    const rows = db.connection.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[];
    dump[table] = rows.map((row) => JSON.stringify(Object.fromEntries(Object.entries(row)
      .filter(([column]) => !/pos|position|commit|prepare|updated_at/.test(column))))).sort();
  }
  return dump;
};

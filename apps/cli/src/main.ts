import 'reflect-metadata';
import { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { LedgerCommandHandler } from '@chip-ledger/application';
import { ProjectionRunner, latestLedgerPosition } from '@chip-ledger/projections';
import { BOOTSTRAP_ADMIN_ID, LedgerContextModule, issueApiKey, ledgerConfigFromEnv, openEventStore } from '@chip-ledger/runtime';
import { EVENT_STORE } from '@chip-ledger/event-store';
import type { EventStore } from '@chip-ledger/event-store';
import { DEFAULT_DEMO_SIZE, seedDemo } from './demo-seed';
import { rebuildWithProgress } from './rebuild-command';

/** The application context without HTTP: the same store, read models and command handler the server uses. */
const openLedger = async () => {
  const config = ledgerConfigFromEnv();
  const app = await NestFactory.createApplicationContext(LedgerContextModule.register(config), { logger: ['error', 'warn'] });
  await app.init();
  return { app, config };
};

const issueKeyWith = (handler: LedgerCommandHandler) => async (partyId: string): Promise<string> =>
  (await issueApiKey(handler, partyId)).apiKey;

const program = new Command('chip-ledger').description('Custody ledger for AI accelerators');

program
  .command('seed')
  .description('Load the demo data set (racks of servers of boards of chips, shipped from Taiwan through customs)')
  .option('--racks <n>', 'number of racks', (v) => Number.parseInt(v, 10), DEFAULT_DEMO_SIZE.racks)
  .option('--if-empty', 'do nothing when the ledger already holds assets')
  .action(async (options: { racks: number; ifEmpty?: boolean }) => {
    const { app, config } = await openLedger();
    const store = app.get<EventStore>(EVENT_STORE);
    const head = await latestLedgerPosition(store);
    const hasAssets = (await store.readStream('asset-rack-0001', { maxCount: 1 })).length > 0;
    if (options.ifEmpty && hasAssets) {
      console.log('The ledger already holds the demo data: nothing seeded.');
      await app.close();
      return;
    }
    const started = Date.now();
    const handler = app.get(LedgerCommandHandler);
    const { summary, keys } = await seedDemo(handler, issueKeyWith(handler), { ...DEFAULT_DEMO_SIZE, racks: options.racks });
    const after = await latestLedgerPosition(store);
    if (after) await app.get(ProjectionRunner).waitForPosition(after, 60_000);
    const keysFile = join(config.dataDir, 'demo-keys.json');
    writeFileSync(keysFile, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
    console.log(`Seeded ${summary.chips} chips in ${summary.racks} racks: ${summary.commands} commands in ${((Date.now() - started) / 1000).toFixed(1)} s` +
      `${head ? ' (on top of existing data)' : ''}.`);
    console.log(`Demo API keys (one per demo party) written to ${keysFile}`);
    await app.close();
  });

program
  .command('rebuild')
  .description('Rebuild every read model from the start of the log into a new file, then swap it in (safe next to a serving API)')
  .action(async () => {
    const config = ledgerConfigFromEnv();
    const store = openEventStore(config);
    try {
      await rebuildWithProgress(config.dataDir, store);
    } finally {
      await store.close();
    }
  });

program.command('admin-key').description(`Issue a new API key for the "${BOOTSTRAP_ADMIN_ID}" party (when the first one is lost)`).action(async () => {
  // The event store alone: no read models, so it works next to a serving API too.
  const store = openEventStore(ledgerConfigFromEnv());
  try {
    const key = await issueKeyWith(new LedgerCommandHandler(store))(BOOTSTRAP_ADMIN_ID);
    process.stdout.write(`ADMIN API KEY: ${key}\n`);
  } finally {
    await store.close();
  }
});

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`chip-ledger: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

import 'reflect-metadata';
import { Command, InvalidArgumentError } from 'commander';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { pino } from 'pino';
import { LedgerCommandHandler } from '@chip-ledger/application';
import { ProjectionRunner, latestLedgerPosition } from '@chip-ledger/projections';
import {
  BOOTSTRAP_ADMIN_ID, LedgerContextModule, createLedgerLogger, issueApiKey, ledgerConfigFromEnv, logFatal, openEventStore,
} from '@chip-ledger/runtime';
import { EVENT_STORE } from '@chip-ledger/event-store';
import type { EventStore } from '@chip-ledger/event-store';
import { DEFAULT_DEMO_SIZE, seedDemo } from './demo-seed';
import { rebuildWithProgress } from './rebuild-command';

/** Standard output carries a command's answer (a key, a summary); the log goes to standard error. */
const STANDARD_ERROR = 2;

/**
 * The application context without HTTP: the same store, read models and command handler the server uses. Its log is
 * the server's JSON format, warnings and errors unless LOG_LEVEL says otherwise. Nest logs nothing of its own until
 * the logger is in place, so a failure to open surfaces once, as the command's error, not as Nest's stack dump.
 */
const openLedger = async () => {
  const config = ledgerConfigFromEnv();
  const logger = createLedgerLogger(process.env.LOG_LEVEL || 'warn', pino.destination(STANDARD_ERROR));
  const app = await NestFactory.createApplicationContext(LedgerContextModule.register(config, logger, `chip-ledger CLI (${process.argv.slice(2).join(' ')})`), { logger: false, abortOnError: false });
  app.useLogger(app.get(Logger));
  return { app, config };
};

const issueKeyWith = (handler: LedgerCommandHandler) => async (partyId: string): Promise<string> =>
  (await issueApiKey(handler, partyId)).apiKey;

const wholeNumberFromOne = (value: string): number => {
  if (!/^[1-9]\d{0,5}$/.test(value)) throw new InvalidArgumentError('a whole number from 1 (decimal digits).');
  return Number(value);
};

const program = new Command('chip-ledger')
  .description('Custody ledger for AI accelerators: commands run on the ledger next to (or without) the HTTP API')
  .addHelpText('after', `
The HTTP API is a program of its own: npm start (node dist/apps/api/src/main.js).

Environment (the same as the API's):
  DATA_DIR                      the embedded store and the read models (default: ./data)
  EVENTSTORE_CONNECTION_STRING  run on EventStoreDB instead of the embedded store
  EVENT_STORE_SYNCHRONOUS       the embedded store's durability: full (default) or normal
  LOG_LEVEL                     the JSON log on standard error (default: warn); answers go to standard output`);

program
  .command('seed')
  .description('Load the demo data set (racks of servers of boards of chips, shipped from Taiwan through customs)')
  .option('--racks <n>', 'number of racks (8 servers of 8 chips each)', wholeNumberFromOne, DEFAULT_DEMO_SIZE.racks)
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
  logFatal(`chip-ledger ${program.args[0] ?? ''} failed`.replace('  ', ' '), error, pino.destination(STANDARD_ERROR));
  process.exit(1);
});

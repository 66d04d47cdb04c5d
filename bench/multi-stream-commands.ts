import { LedgerCommandHandler } from '@chip-ledger/application';
import * as application from '@chip-ledger/application';
import { CommandFactory, StoppingStore, openStore, seedLedger } from '../test/commands/command-ledger';
import { generateWorkload } from '../test/commands/command-workload';

/**
 * Issue 10's figures for the multi-stream commit design (docs/adr/0001-multi-stream-commands.md): the command path's
 * throughput on the EventStoreDB adapter through the in-process test server (the generated custody workload, and
 * packing/unpacking only), and how long an interrupted pack takes to be settled. Run on a build of this branch and
 * of the commit before it for the comparison:
 *   npx swc bench apps libs test -d .build/msc --quiet && node .build/msc/bench/multi-stream-commands.js
 */
const COMMANDS = Number(process.env.MSC_COMMANDS ?? 3_000);
/** Interrupted packs left to the settler at its defaults: about 11 s each. */
const RECOVERY_SAMPLES = Number(process.env.MSC_RECOVERY_SAMPLES ?? 3);

const timed = async (label: string, run: () => Promise<number>): Promise<void> => {
  const started = process.hrtime.bigint();
  const commands = await run();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(`${label}: ${commands} commands in ${ms.toFixed(0)} ms = ${(commands / (ms / 1000)).toFixed(0)} commands/s`);
};

const throughput = async (): Promise<void> => {
  const workload = generateWorkload(COMMANDS, 7);
  const opened = await openStore('eventstoredb');
  const handler = new LedgerCommandHandler(opened.store);
  await seedLedger(handler, new CommandFactory('seed'));
  await timed('generated custody workload (accepted and refused)', async () => {
    for (const command of workload) await handler.execute(command).catch(() => undefined);
    return workload.length;
  });
  const commands = new CommandFactory('pk');
  const chips = 4;
  for (let i = 0; i < 200; i++) {
    await handler.execute(commands.make('maker', 'ManufactureAsset', { assetId: `pb-${i}`, kind: 'board', model: 'HGX', facilityId: 'fab' }));
    for (let c = 0; c < chips; c++) {
      await handler.execute(commands.make('maker', 'ManufactureAsset', { assetId: `pc-${i}-${c}`, kind: 'chip', model: 'nvidia-h100-sxm', facilityId: 'fab' }));
    }
  }
  await timed(`pack and unpack ${chips} chips (5 streams per command)`, async () => {
    let n = 0;
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 200; i++) {
        const childIds = Array.from({ length: chips }, (_, c) => `pc-${i}-${c}`);
        await handler.execute(commands.make('maker', 'PackAssets', { parentId: `pb-${i}`, childIds }));
        await handler.execute(commands.make('maker', 'UnpackAssets', { parentId: `pb-${i}`, childIds }));
        n += 2;
      }
    }
    return n;
  });
  await opened.close();
};

/** An interrupted pack (one claim written, the process stops): time until it is settled, by each way. */
const recovery = async (): Promise<void> => {
  const settlerClass = (application as Record<string, unknown>).ClaimSettler as
    | (new (store: unknown, options: { onSettled?: (commandId: string) => void } & Record<string, unknown>) => { start(): Promise<void>; stop(): Promise<void>; check(): Promise<void> }) | undefined;
  if (!settlerClass) {
    console.log('recovery: this build has no settler (an interrupted command stays half-written until a client retries it)');
    return;
  }
  const opened = await openStore('eventstoredb');
  const handler = new LedgerCommandHandler(opened.store);
  const commands = new CommandFactory('rc');
  await seedLedger(handler, commands);
  const samples: { byCommand: number[]; bySettler: number[] } = { byCommand: [], bySettler: [] };
  for (let i = 0; i < 20; i++) {
    for (const id of [`rb-${i}`, `rc-${i}-a`, `rc-${i}-b`]) {
      const kind = id.startsWith('rb') ? 'board' : 'chip';
      await handler.execute(commands.make('maker', 'ManufactureAsset', { assetId: id, kind, model: kind === 'board' ? 'HGX' : 'nvidia-h100-sxm', facilityId: 'fab' }));
    }
    const pack = commands.make('maker', 'PackAssets', { parentId: `rb-${i}`, childIds: [`rc-${i}-a`, `rc-${i}-b`] });
    await new LedgerCommandHandler(new StoppingStore(opened.store, 1).store).execute(pack).catch(() => undefined);
    if (i % 2 === 0) {
      const started = process.hrtime.bigint();
      await handler.execute(commands.make('maker', 'AttestLocation', { assetId: `rc-${i}-a`, observedFacilityId: 'fab', method: 'rfid' }));
      samples.byCommand.push(Number(process.hrtime.bigint() - started) / 1e6);
    } else {
      let settled = false;
      // Only this pack counts: any other settlement the settler reports is not what this sample times.
      const settler = new settlerClass(opened.store, {
        settleAfterMs: 0, checkIntervalMs: 10, onSettled: (id: string) => { settled ||= id === pack.metadata.commandId; },
      });
      const started = process.hrtime.bigint();
      await settler.start();
      while (!settled) await new Promise((resolve) => setTimeout(resolve, 2));
      samples.bySettler.push(Number(process.hrtime.bigint() - started) / 1e6);
      await settler.stop();
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)].toFixed(1);
  console.log(`recovery by the next command on a claimed chip (settle + its own command): median ${median(samples.byCommand)} ms`);
  console.log(`recovery by a settler started after the stop (catch-up + settle), settleAfterMs 0: median ${median(samples.bySettler)} ms`);
  console.log('in production the settler waits settleAfterMs (default 10 s) after it sees the claim, then settles as above');

  // As the API runs it (defaults: settleAfterMs 10 s, a check every second), already following the log when the
  // command is interrupted: the bound a client that never retries waits for.
  const running: number[] = [];
  let settledAt: bigint | null = null;
  let waitingFor = '';
  const settler = new settlerClass(opened.store, {
    onSettled: (id: string) => {
      if (id === waitingFor) settledAt = process.hrtime.bigint();
    },
  });
  await settler.start();
  for (let i = 0; i < RECOVERY_SAMPLES; i++) {
    for (const id of [`rd-${i}`, `rd-${i}-a`]) {
      const kind = id.endsWith('-a') ? 'chip' : 'board';
      await handler.execute(commands.make('maker', 'ManufactureAsset', { assetId: id, kind, model: kind === 'board' ? 'HGX' : 'nvidia-h100-sxm', facilityId: 'fab' }));
    }
    settledAt = null;
    const pack = commands.make('maker', 'PackAssets', { parentId: `rd-${i}`, childIds: [`rd-${i}-a`] });
    waitingFor = pack.metadata.commandId;
    const interrupted = process.hrtime.bigint();
    await new LedgerCommandHandler(new StoppingStore(opened.store, 1).store).execute(pack).catch(() => undefined);
    while (settledAt === null) await new Promise((resolve) => setTimeout(resolve, 5));
    running.push(Number((settledAt as bigint) - interrupted) / 1e6);
  }
  await settler.stop();
  console.log(`recovery by the API's settler with its defaults (settleAfterMs 10 s, check every 1 s), no client retry: ${running.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(', ')}`);
  await opened.close();
};

void (async () => {
  await throughput();
  await recovery();
})();

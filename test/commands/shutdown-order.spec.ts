import { join } from 'node:path';
import { ClaimSettler, LedgerCommandHandler } from '@chip-ledger/application';
import type { EventStore, RecordedEvent } from '@chip-ledger/event-store';
import { ProjectionRunner, openReadModelDb } from '@chip-ledger/projections';
import type { CommandFactory, OpenedStore, StoreKind } from './command-ledger';
import { StoppingStore, openSeededLedger, until } from './command-ledger';

/**
 * Shutdown order (the API stops the settler, then the read side, then closes the store): once `stop()` has
 * resolved, neither the claim settler nor the projection runner calls into the store again, even with work in flight
 * when it was asked to stop. A call into a closed handle is a JS error here (recorded and thrown), not a crash later.
 */

/** The store, refusing (and remembering) every call once `close()` has been called on this guard. */
class ClosableGuard {
  readonly usedAfterClose: string[] = [];
  private closed = false;
  private held: Promise<void> | null = null;
  private release: () => void = () => undefined;
  private arrived: () => void = () => undefined;

  constructor(private readonly inner: EventStore) {}

  close(): void {
    this.closed = true;
  }

  /** The next `readStream` waits until `let()`; resolves once one has arrived. */
  holdNextRead(): Promise<void> {
    this.held = new Promise<void>((resolve) => {
      this.release = resolve;
    });
    return new Promise<void>((resolve) => {
      this.arrived = resolve;
    });
  }

  let(): void {
    this.release();
  }

  get store(): EventStore {
    return new Proxy(this.inner, {
      get: (target, property) => {
        const value = Reflect.get(target, property) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (this.closed) {
            this.usedAfterClose.push(String(property));
            throw new Error(`${String(property)} on a closed store`);
          }
          const call = () => (value as (...a: unknown[]) => unknown).apply(target, args);
          if (property !== 'readStream' || !this.held) return call();
          const held = this.held;
          this.held = null;
          this.arrived();
          return held.then(call);
        };
      },
    });
  }
}

describe.each(['sqlite', 'eventstoredb'] as StoreKind[])('shutdown with work in flight (%s)', (kind) => {
  let opened: OpenedStore;
  let commands: CommandFactory;

  beforeEach(async () => {
    ({ opened, commands } = await openSeededLedger(kind, ['board-1', 'chip-1']));
  });
  afterEach(() => opened.close());

  /** A pack interrupted after its claims, and a started settler (on a store that can be closed under it) that has seen it. */
  const settlerWithAnInterruptedPack = async () => {
    const pack = commands.make('maker', 'PackAssets', { parentId: 'board-1', childIds: ['chip-1'] });
    await new LedgerCommandHandler(new StoppingStore(opened.store, 1).store).execute(pack).catch(() => undefined);
    const guard = new ClosableGuard(opened.store);
    const settled: string[] = [];
    const errors: unknown[] = [];
    const settler = new ClaimSettler(guard.store, {
      settleAfterMs: 0, checkIntervalMs: 3_600_000, onSettled: (id, outcome) => settled.push(`${id} ${outcome}`), onError: (e) => errors.push(e),
    });
    await settler.start();
    await until(() => settler.pending === 1);
    return { pack, guard, settled, errors, settler };
  };

  it('the claim settler stopped while it settles a command: stop() waits for that settlement, and nothing touches the store after it', async () => {
    const { pack, guard, settled, errors, settler } = await settlerWithAnInterruptedPack();

    const reading = guard.holdNextRead();
    const checking = settler.check();
    await reading; // the settlement has begun: it is reading the command's plan
    const stopping = settler.stop();
    guard.let();
    await stopping;
    expect(settled).toEqual([`${pack.metadata.commandId} completed`]);
    guard.close();
    await checking;
    expect({ usedAfterClose: guard.usedAfterClose, errors }).toEqual({ usedAfterClose: [], errors: [] });
  });

  it('the claim settler stopped with a command still to settle: a late check settles nothing and touches nothing', async () => {
    const { guard, settled, errors, settler } = await settlerWithAnInterruptedPack();
    await settler.stop();
    guard.close();
    await settler.check(); // a timer tick that was already under way when the API shut down
    expect({ settled, usedAfterClose: guard.usedAfterClose, errors }).toEqual({ settled: [], usedAfterClose: [], errors: [] });
  });

  it('the projection runner stopped while a batch waits to be applied: the batch is applied before stop() resolves or never, and nothing touches the store or the file after it', async () => {
    const guard = new ClosableGuard(opened.store);
    const db = openReadModelDb(join(opened.dir, 'read-models.sqlite'));
    let letBatch: () => void = () => undefined;
    const batchMayGo = new Promise<void>((resolve) => {
      letBatch = resolve;
    });
    let heldBatch: readonly RecordedEvent[] | null = null;
    let batchHandled = false;
    const errors: unknown[] = [];
    const runner = new ProjectionRunner(guard.store, db, {
      onError: (e) => errors.push(e),
      beforeBatch: async (batch) => {
        heldBatch = batch;
        await batchMayGo;
        batchHandled = true;
      },
    });
    runner.start();
    await until(() => heldBatch !== null);

    const stopping = runner.stop();
    letBatch();
    await stopping;
    expect(batchHandled).toBe(true); // stop() waited for the batch in flight
    const atStop = runner.status();
    db.close();
    guard.close();
    // Whatever the subscription still delivers or retries now must find the runner stopped.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(runner.status()).toEqual(atStop);
    expect({ usedAfterClose: guard.usedAfterClose, errors }).toEqual({ usedAfterClose: [], errors: [] });
  });
});

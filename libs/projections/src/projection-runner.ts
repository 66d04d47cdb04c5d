import type { EventFilter, EventStore, GlobalPosition, RecordedEvent, StoreSubscription } from '@chip-ledger/event-store';
import { StoreUnavailable, comparePositions } from '@chip-ledger/event-store';
import type { BulkLoad, ReadModelDb } from './read-model-db';
import type { BatchResult, ProjectorOptions } from './read-model-projector';
import { ReadModelProjector } from './read-model-projector';

/** The streams the read models are built from: assets, parties, facilities. */
export const LEDGER_STREAM_FILTER: EventFilter = { streamNamePrefixes: ['asset-', 'party-', 'facility-'] };

export type ProjectionRunnerOptions = ProjectorOptions & {
  /** Largest batch the live subscription hands over (one transaction each). Default 1000. */
  readonly batchSize?: number;
  /** Events per transaction during `rebuild`. Default 20000. */
  readonly rebuildBatchSize?: number;
  /** Resubscription back-off after the store drops the subscription: doubles from `initialDelayMs` up to `maxDelayMs`. */
  readonly retry?: { readonly initialDelayMs?: number; readonly maxDelayMs?: number };
  /** Told about every failure (dropped subscription, failed batch); the runner carries on regardless. */
  readonly onError?: (error: unknown) => void;
};

export type ProjectionStatus = {
  /** Last global position applied to the read models (committed). */
  readonly checkpoint: GlobalPosition | null;
  /** Following the log (false while stopped, and while a rebuild runs). */
  readonly running: boolean;
  /**
   * Why the last subscription or batch failed; cleared by the next batch applied, or, when the store was unreachable,
   * once it answers again while the subscription opened since is still open.
   */
  readonly lastError: string | null;
  /** Events applied by this runner since it was created or last rebuilt. */
  readonly appliedEvents: number;
};

type Waiter = { readonly position: GlobalPosition; readonly resolve: (reached: boolean) => void; timer?: NodeJS.Timeout };

const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/**
 * Follows the store's global log from the checkpoint and applies it to the read models, one transaction per batch
 * (read models and checkpoint together). Delivery is at-least-once: events at or below the checkpoint are skipped.
 * When the store drops the subscription it resubscribes from the stored checkpoint, backing off exponentially.
 */
export class ProjectionRunner {
  private readonly projector: ReadModelProjector;
  private readonly batchSize: number;
  private readonly rebuildBatchSize: number;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly onError: (error: unknown) => void;
  private readonly waiters = new Set<Waiter>();
  private running = false;
  private rebuilding: Promise<void> | null = null;
  /** start() was called while a rebuild ran: follow the log once it is done. */
  private startRequested = false;
  /** Bumped by every start, so a loop left over from an earlier start never keeps going. */
  private generation = 0;
  private following: Promise<void> | null = null;
  private subscription: StoreSubscription | null = null;
  private wake: (() => void) | null = null;
  private progressed = false;
  private lastError: string | null = null;
  private lastFailure: unknown = null;
  private appliedEvents = 0;

  constructor(private readonly store: EventStore, private readonly readModels: ReadModelDb, options: ProjectionRunnerOptions = {}) {
    this.projector = new ReadModelProjector(readModels, options);
    this.batchSize = options.batchSize ?? 1000;
    this.rebuildBatchSize = options.rebuildBatchSize ?? 20_000;
    this.initialDelayMs = options.retry?.initialDelayMs ?? 100;
    this.maxDelayMs = options.retry?.maxDelayMs ?? 5000;
    this.onError = options.onError ?? (() => undefined);
  }

  /** Starts following the log in the background; a no-op when already running. */
  start(): void {
    if (this.rebuilding) {
      this.startRequested = true;
      return;
    }
    if (this.running) return;
    this.running = true;
    this.following = this.follow(++this.generation);
  }

  /** Stops following; resolves once the batch in progress (if any) is committed and the subscription closed. */
  async stop(): Promise<void> {
    this.running = false;
    this.startRequested = false;
    this.wake?.();
    await this.subscription?.close().catch(() => undefined);
    await this.following;
    this.following = null;
  }

  status(): ProjectionStatus {
    return { checkpoint: this.projector.checkpoint, running: this.running, lastError: this.lastError, appliedEvents: this.appliedEvents };
  }

  /**
   * Read-your-writes: resolves true as soon as the read models include `position` (at once if they already do),
   * false after `timeoutMs` otherwise. Woken by the apply path, not by polling.
   */
  waitForPosition(position: GlobalPosition, timeoutMs: number): Promise<boolean> {
    if (this.reached(position)) return Promise.resolve(true);
    if (timeoutMs <= 0) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = { position, resolve };
      waiter.timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve(false);
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /**
   * Empties the read models and the checkpoint and replays the whole log up to its current end. Stops following
   * while it runs and resumes afterwards if it was running; also works on a runner never started (a CLI). Each
   * batch commits with its checkpoint, so an interrupted rebuild resumes where it stopped. A second call while one
   * runs gets the same promise; start() during a rebuild takes effect when it ends; stop() does not cut it short.
   */
  rebuild(): Promise<void> {
    this.rebuilding ??= this.rebuildOnce();
    return this.rebuilding;
  }

  private async rebuildOnce(): Promise<void> {
    const wasRunning = this.running;
    try {
      await this.stop();
      this.startRequested ||= wasRunning;
      const bulkLoad = this.readModels.enterBulkLoad();
      try {
        this.projector.reset();
        this.appliedEvents = 0;
        this.lastError = null;
        this.lastFailure = null;
        const target = await this.lastLedgerPosition();
        if (target) await this.replayTo(target, bulkLoad);
      } finally {
        try {
          bulkLoad.leave();
        } catch (error) {
          // The read models are complete; the file merely stays on its (crash-safe) rollback journal for now.
          this.lastError = describe(error);
          this.onError(error);
        }
      }
    } finally {
      const resume = this.startRequested;
      this.startRequested = false;
      this.rebuilding = null;
      if (resume) this.start();
    }
  }

  /** The end of the log as far as the read models are concerned: its last ledger event. */
  private async lastLedgerPosition(): Promise<GlobalPosition | null> {
    for await (const event of this.store.readAll({ direction: 'backwards', maxCount: 1, filter: LEDGER_STREAM_FILTER })) {
      return event.position;
    }
    return null;
  }

  /** Replays from the start in large batches (one transaction each) until `target` is applied. */
  private async replayTo(target: GlobalPosition, bulkLoad: BulkLoad): Promise<void> {
    let arrived: () => void = () => undefined;
    const reachedTarget = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const subscription = this.store.subscribeToAll(
      { from: 'start', filter: LEDGER_STREAM_FILTER, maxBatchSize: this.rebuildBatchSize },
      (batch) => {
        this.apply(batch);
        if (this.reached(target)) arrived();
        else bulkLoad.dropIndexes(); // more than one batch: building the indexes once at the end is cheaper
      },
    );
    try {
      await Promise.race([
        reachedTarget,
        subscription.done.then(() => {
          if (!this.reached(target)) throw new Error('The store ended the subscription before the rebuild reached the end of the log');
        }),
      ]);
    } finally {
      await subscription.close();
    }
  }

  private reached(position: GlobalPosition): boolean {
    const checkpoint = this.projector.checkpoint;
    return checkpoint !== null && comparePositions(checkpoint, position) >= 0;
  }

  private apply(batch: readonly RecordedEvent[]): BatchResult {
    const result = this.projector.applyBatch(batch);
    if (result.applied > 0) {
      this.appliedEvents += result.applied;
      this.progressed = true;
      this.lastError = null;
      this.lastFailure = null;
      this.release();
    }
    return result;
  }

  private release(): void {
    for (const waiter of this.waiters) {
      if (!this.reached(waiter.position)) continue;
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
      waiter.resolve(true);
    }
  }

  private async follow(generation: number): Promise<void> {
    const current = () => this.running && this.generation === generation;
    let delay = this.initialDelayMs;
    while (current()) {
      this.progressed = false;
      let subscription: StoreSubscription | null = null;
      try {
        subscription = this.store.subscribeToAll(
          { from: this.projector.checkpoint ?? 'start', filter: LEDGER_STREAM_FILTER, maxBatchSize: this.batchSize },
          (batch) => {
            // A subscription left over from an earlier start (or one stopped mid-delivery) applies nothing.
            if (!current()) throw new Error('Superseded subscription');
            this.apply(batch);
          },
        );
        this.subscription = subscription;
        if (this.lastFailure instanceof StoreUnavailable) void this.clearOnceReachable(subscription, this.lastFailure);
        await subscription.done;
        if (!current()) break;
        throw new Error('The store ended the subscription');
      } catch (error) {
        if (!current()) break;
        this.lastError = describe(error);
        this.lastFailure = error;
        this.onError(error);
      } finally {
        if (this.subscription === subscription) this.subscription = null;
      }
      if (this.progressed) delay = this.initialDelayMs;
      await this.pause(delay);
      delay = Math.min(delay * 2, this.maxDelayMs);
    }
  }

  /**
   * Back after an outage on a quiet log: no batch comes to clear the error, so a ping that the store answers while
   * the subscription opened since that failure is still open (and nothing failed meanwhile) clears it.
   */
  private async clearOnceReachable(subscription: StoreSubscription, failure: StoreUnavailable): Promise<void> {
    try {
      await this.store.ping();
    } catch {
      return;
    }
    if (this.subscription === subscription && this.lastFailure === failure) {
      this.lastError = null;
      this.lastFailure = null;
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }
}

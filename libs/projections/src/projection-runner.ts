import type { EventStore, GlobalPosition, RecordedEvent, StoreSubscription } from '@chip-ledger/event-store';
import { StoreUnavailable, comparePositions } from '@chip-ledger/event-store';
import { LEDGER_STREAM_FILTER, latestLedgerPosition } from './ledger-log';
import type { ReadModelDb } from './read-model-db';
import { ReadModelLock } from './read-model-lock';
import type { BatchResult, ProjectorOptions } from './read-model-projector';
import { ReadModelProjector } from './read-model-projector';

export type ProjectionRunnerOptions = ProjectorOptions & {
  /** Largest batch the live subscription hands over (one transaction each). Default 1000. */
  readonly batchSize?: number;
  /** Events per transaction during `rebuild`. Default 20000. */
  readonly rebuildBatchSize?: number;
  /** Resubscription back-off after the store drops the subscription: doubles from `initialDelayMs` up to `maxDelayMs`. */
  readonly retry?: { readonly initialDelayMs?: number; readonly maxDelayMs?: number };
  /** Told about every failure (dropped subscription, failed batch); the runner carries on regardless. */
  readonly onError?: (error: unknown) => void;
  /** Who writes the file, as another projector's lock error names it (e.g. "chip-ledger API", "cli rebuild"). */
  readonly holder?: string;
  /**
   * Awaited before each batch of the live subscription is applied. A seam for tests that need a slow read side
   * (start-up while the read models are far behind); nothing else sets it.
   */
  readonly beforeBatch?: (batch: readonly RecordedEvent[]) => Promise<void>;
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
  /**
   * Following (or rebuilding) but not yet at the end of the log as it was when it started (or began the rebuild),
   * or not yet able to ask the store where that end is. Until then the read models may be arbitrarily old: the API
   * answers reads 503 `read-model-behind` (see the projections README).
   */
  readonly catchingUp: boolean;
};

/** How far the read models are behind the log. */
export type ProjectionLag = {
  readonly checkpoint: GlobalPosition | null;
  /** The last ledger event in the store; null when there is none. */
  readonly head: GlobalPosition | null;
  /** Ledger events in the store past the checkpoint, counted up to LAG_COUNT_LIMIT. */
  readonly events: number;
  /** True when there are more than `events` (the count stopped at LAG_COUNT_LIMIT). */
  readonly eventsAtLeast: boolean;
  /** How long the oldest event not yet applied has been in the store: 0 when caught up. */
  readonly seconds: number;
  /** When this was measured (lag() answers from a measurement at most `maxAgeMs` old). */
  readonly measuredAt: Date;
};

/**
 * Counting the events behind reads them: EventStoreDB positions are byte offsets, so no arithmetic on positions
 * gives a count on both stores. Past this many the count stops (and says so).
 */
export const LAG_COUNT_LIMIT = 10_000;

type Waiter = { readonly position: GlobalPosition; readonly resolve: (reached: boolean) => void; timer?: NodeJS.Timeout };

const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/**
 * Follows the store's global log from the checkpoint and applies it to the read models, one transaction per batch
 * (read models and checkpoint together). Delivery is at-least-once: events at or below the checkpoint are skipped.
 * When the store drops the subscription it resubscribes from the stored checkpoint, backing off exponentially.
 */
export class ProjectionRunner {
  private readonly batchSize: number;
  private readonly rebuildBatchSize: number;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly onError: (error: unknown) => void;
  private readonly holder: string;
  private readonly beforeBatch: ((batch: readonly RecordedEvent[]) => Promise<void>) | undefined;
  private readonly options: ProjectorOptions;
  private readonly waiters = new Set<Waiter>();
  private readonly catchUpWaiters = new Set<() => void>();
  private projector: ReadModelProjector;
  /** Held while this runner may write `readModels` (following, rebuilding); see ReadModelLock. */
  private lock: ReadModelLock | null = null;
  /**
   * The end of the log when it started following (or began a rebuild): undefined until the store has said. It is
   * caught up once the checkpoint reaches it; from then on reads rely on read-your-writes (`waitForPosition`).
   */
  private startHead: GlobalPosition | null | undefined = undefined;
  private switching: Promise<void> | null = null;
  private lastLag: Promise<ProjectionLag> | null = null;
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

  constructor(private readonly store: EventStore, private readModels: ReadModelDb, options: ProjectionRunnerOptions = {}) {
    this.options = options;
    this.projector = new ReadModelProjector(readModels, options);
    this.holder = options.holder ?? 'a projection runner';
    this.beforeBatch = options.beforeBatch;
    this.batchSize = options.batchSize ?? 1000;
    this.rebuildBatchSize = options.rebuildBatchSize ?? 20_000;
    this.initialDelayMs = options.retry?.initialDelayMs ?? 100;
    this.maxDelayMs = options.retry?.maxDelayMs ?? 5000;
    this.onError = options.onError ?? (() => undefined);
  }

  /** The read-model file this runner writes (it changes when the runner switches to a rebuilt generation). */
  get file(): string {
    return this.readModels.file;
  }

  /**
   * Starts following the log in the background; a no-op when already running. Throws ReadModelsLocked when another
   * projector writes the file.
   */
  start(): void {
    if (this.rebuilding) {
      this.startRequested = true;
      return;
    }
    if (this.running) return;
    this.takeLock();
    this.startHead = undefined;
    this.follow();
  }

  /** Follows from the checkpoint, keeping what is known of the head seen at start. */
  private follow(): void {
    this.running = true;
    this.following = this.followLoop(++this.generation);
  }

  /**
   * Stops following; resolves once the batch in progress (if any) is committed and the subscription closed. Then
   * lets go of the file (another projector may take it).
   */
  async stop(): Promise<void> {
    this.running = false;
    this.startRequested = false;
    this.wake?.();
    await this.subscription?.close().catch(() => undefined);
    await this.following;
    this.following = null;
    if (!this.rebuilding && !this.switching) this.releaseLock();
  }

  status(): ProjectionStatus {
    return {
      checkpoint: this.projector.checkpoint, running: this.running, lastError: this.lastError,
      appliedEvents: this.appliedEvents, catchingUp: this.catchingUp(),
    };
  }

  /**
   * Resolves true once the runner has caught up with the head it saw at start (at once if it has), false after
   * `timeoutMs` otherwise. Woken by the apply path.
   */
  waitUntilCaughtUp(timeoutMs: number): Promise<boolean> {
    if (!this.catchingUp()) return Promise.resolve(true);
    if (timeoutMs <= 0) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.catchUpWaiters.delete(done);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.catchUpWaiters.delete(done);
        resolve(false);
      }, timeoutMs);
      this.catchUpWaiters.add(done);
    });
  }

  /**
   * How far the read models are behind the store, from a measurement at most `maxAgeMs` old (concurrent callers
   * share one; 0: a new one, even within the millisecond of the last). Reads the store: rejects (StoreUnavailable,
   * ...) when it does not answer.
   */
  lag(maxAgeMs = 1000): Promise<ProjectionLag> {
    const cached = this.lastLag;
    if (cached) {
      return cached.then(
        (lag) => (maxAgeMs > 0 && Date.now() - lag.measuredAt.getTime() <= maxAgeMs ? lag : this.measureLag()),
        () => this.measureLag(),
      );
    }
    return this.measureLag();
  }

  private measureLag(): Promise<ProjectionLag> {
    const measuring = this.countBehind();
    this.lastLag = measuring;
    measuring.catch(() => {
      if (this.lastLag === measuring) this.lastLag = null;
    });
    return measuring;
  }

  private async countBehind(): Promise<ProjectionLag> {
    const checkpoint = this.projector.checkpoint;
    const head = await latestLedgerPosition(this.store);
    const measuredAt = new Date();
    if (head === null || (checkpoint !== null && comparePositions(checkpoint, head) >= 0)) {
      return { checkpoint, head, events: 0, eventsAtLeast: false, seconds: 0, measuredAt };
    }
    let events = 0;
    let oldest: Date | null = null;
    // One past the limit tells that there are more; fromPosition is inclusive, so from a checkpoint one more again.
    const after = this.store.readAll({
      ...(checkpoint ? { fromPosition: checkpoint } : {}), maxCount: LAG_COUNT_LIMIT + (checkpoint ? 2 : 1), filter: LEDGER_STREAM_FILTER,
    });
    for await (const event of after) {
      if (checkpoint && comparePositions(event.position, checkpoint) <= 0) continue; // fromPosition is inclusive
      if (comparePositions(event.position, head) > 0) break;
      oldest ??= event.created;
      if (++events > LAG_COUNT_LIMIT) break;
    }
    const seconds = oldest ? Math.max(0, (measuredAt.getTime() - oldest.getTime()) / 1000) : 0;
    return { checkpoint, head, events: Math.min(events, LAG_COUNT_LIMIT), eventsAtLeast: events > LAG_COUNT_LIMIT, seconds, measuredAt };
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
   * It empties the file it writes: a serving process rebuilds into a new generation instead (rebuildReadModels),
   * so that its readers never see the tables half full.
   */
  rebuild(): Promise<void> {
    if (this.switching) return Promise.reject(new Error('The runner is switching to another read-model file'));
    this.rebuilding ??= this.rebuildOnce();
    return this.rebuilding;
  }

  private async rebuildOnce(): Promise<void> {
    const wasRunning = this.running;
    try {
      await this.stop();
      this.takeLock();
      this.startRequested ||= wasRunning;
      const bulkLoad = this.readModels.enterBulkLoad();
      try {
        this.projector.reset();
        this.appliedEvents = 0;
        this.lastError = null;
        this.lastFailure = null;
        this.startHead = undefined;
        const target = await latestLedgerPosition(this.store);
        this.startHead = target;
        if (target) await this.replay(this.projector, target, this.rebuildBatchSize, (batch) => this.apply(batch), () => bulkLoad.dropIndexes());
        this.notifyCatchUp();
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
      else this.releaseLock();
    }
  }

  /**
   * Moves this runner, and with it the process's readers, to another read-model file: a generation rebuilt next to
   * the one being served. Readers never go back in time: the new file is first brought up to the head of the log
   * while this runner keeps following the current one; then following stops, the new file gets whatever the current
   * one had beyond it, and `swap` is called (the caller switches its queries over, in the same turn of the event
   * loop) before following resumes on the new file. Waiters for a position are kept. `open` should take the file's
   * lock as it opens it (ReadModelDbOptions.lockAs), else the runner takes it; either way it throws ReadModelsLocked
   * when another projector still writes the file. On any failure the runner carries on with its current file, and
   * the new one is closed.
   */
  switchTo(file: string, open: (file: string) => ReadModelDb, swap: (next: ReadModelDb) => void): Promise<void> {
    if (this.rebuilding) return Promise.reject(new Error('The runner is rebuilding its read models'));
    if (this.switching) return Promise.reject(new Error('The runner is already switching to another read-model file'));
    const switching = this.switchOnce(file, open, swap).finally(() => {
      this.switching = null;
    });
    this.switching = switching;
    return switching;
  }

  private async switchOnce(file: string, open: (file: string) => ReadModelDb, swap: (next: ReadModelDb) => void): Promise<void> {
    const next = open(file);
    let nextLock: ReadModelLock | null = null;
    try {
      if (!next.locked) nextLock = ReadModelLock.acquire(file, this.holder);
      const projector = new ReadModelProjector(next, this.options);
      const apply = (batch: readonly RecordedEvent[]) => projector.applyBatch(batch);
      const head = await latestLedgerPosition(this.store);
      if (head) await this.replay(projector, head, this.rebuildBatchSize, apply);
      const wasRunning = this.running;
      await this.stop();
      const current = this.projector.checkpoint;
      try {
        if (current) await this.replay(projector, current, this.rebuildBatchSize, apply);
      } catch (error) {
        if (wasRunning) this.follow();
        throw error;
      }
      this.releaseLock();
      this.lock = nextLock;
      this.readModels = next;
      this.projector = projector;
      swap(next);
      this.release();
      if (wasRunning) this.follow();
    } catch (error) {
      if (this.readModels !== next) {
        nextLock?.release();
        next.close();
      }
      throw error;
    }
  }

  /**
   * Subscribes from the projector's checkpoint in large batches (one transaction each) until `target` is applied.
   * `moreToCome` is called after each batch that did not reach it.
   */
  private async replay(
    projector: ReadModelProjector, target: GlobalPosition, batchSize: number,
    apply: (batch: readonly RecordedEvent[]) => BatchResult, moreToCome: () => void = () => undefined,
  ): Promise<void> {
    const reached = () => projector.checkpoint !== null && comparePositions(projector.checkpoint, target) >= 0;
    if (reached()) return;
    let arrived: () => void = () => undefined;
    const reachedTarget = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const subscription = this.store.subscribeToAll(
      { from: projector.checkpoint ?? 'start', filter: LEDGER_STREAM_FILTER, maxBatchSize: batchSize },
      (batch) => {
        apply(batch);
        if (reached()) arrived();
        else moreToCome();
      },
    );
    try {
      await Promise.race([
        reachedTarget,
        subscription.done.then(() => {
          if (!reached()) throw new Error('The store ended the subscription before the replay reached its target');
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

  private catchingUp(): boolean {
    if (!this.running && !this.rebuilding) return false;
    return this.startHead === undefined || (this.startHead !== null && !this.reached(this.startHead));
  }

  private notifyCatchUp(): void {
    if (this.catchingUp()) return;
    for (const done of [...this.catchUpWaiters]) done();
  }

  /** Unless the connection holds the file's lock already (ReadModelDbOptions.lockAs), the runner takes it. */
  private takeLock(): void {
    if (this.readModels.locked || this.lock?.held) return;
    this.lock = ReadModelLock.acquire(this.readModels.file, this.holder);
  }

  private releaseLock(): void {
    this.lock?.release();
    this.lock = null;
  }

  private apply(batch: readonly RecordedEvent[]): BatchResult {
    const result = this.projector.applyBatch(batch);
    if (result.applied > 0) {
      this.appliedEvents += result.applied;
      this.progressed = true;
      this.lastError = null;
      this.lastFailure = null;
      this.release();
      this.notifyCatchUp();
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

  private async followLoop(generation: number): Promise<void> {
    const current = () => this.running && this.generation === generation;
    let delay = this.initialDelayMs;
    while (current()) {
      this.progressed = false;
      let subscription: StoreSubscription | null = null;
      try {
        if (this.startHead === undefined) {
          const head = await latestLedgerPosition(this.store);
          if (!current()) break;
          this.startHead = head;
          this.notifyCatchUp();
        }
        const applyIfCurrent = (batch: readonly RecordedEvent[]): void => {
          // A subscription left over from an earlier start (or one stopped mid-delivery) applies nothing.
          if (!current()) throw new Error('Superseded subscription');
          this.apply(batch);
        };
        const beforeBatch = this.beforeBatch;
        subscription = this.store.subscribeToAll(
          { from: this.projector.checkpoint ?? 'start', filter: LEDGER_STREAM_FILTER, maxBatchSize: this.batchSize },
          beforeBatch
            ? async (batch) => {
              await beforeBatch(batch);
              applyIfCurrent(batch);
            }
            : applyIfCurrent,
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

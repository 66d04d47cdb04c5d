import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { EventStore, GlobalPosition, RecordedEvent, StoreSubscription } from '@chip-ledger/event-store';
import { CLAIM_RELEASED, commandIdOf, commitStreamOf, comparePositions, planIn } from '@chip-ledger/event-store';
import type { Settlement } from './command-settlement';
import { isCommitted, settleCommand } from './command-settlement';

/**
 * Where a settler keeps its checkpoint: the position it may start again from (it never passes an unsettled claim).
 * Not in the event log: a checkpoint is not a fact of the ledger, and appending it would move the log's head under
 * readers that wait for it. Without one, a settler reads the asset streams from the start.
 */
export type SettlerCheckpoint = {
  load(): GlobalPosition | null;
  save(position: GlobalPosition): void;
};

/** The checkpoint as a small JSON file, replaced atomically (written aside, then renamed over). */
export const fileSettlerCheckpoint = (file: string): SettlerCheckpoint => ({
  load: () => {
    if (!existsSync(file)) return null;
    const { commit, prepare } = JSON.parse(readFileSync(file, 'utf8')) as { commit: string; prepare: string };
    return { commit: BigInt(commit), prepare: BigInt(prepare) };
  },
  save: (position) => {
    writeFileSync(`${file}.next`, JSON.stringify({ commit: position.commit.toString(), prepare: position.prepare.toString() }));
    renameSync(`${file}.next`, file);
  },
});

/** Long enough for a command's own writer to finish (server write timeout 2 s, the adapter's bounded retries). */
const DEFAULT_SETTLE_AFTER_MS = 10_000;

export type ClaimSettlerOptions = {
  /** A claim whose commit has not been seen this long after the claim was is settled. */
  readonly settleAfterMs?: number;
  readonly checkIntervalMs?: number;
  readonly checkpointEveryMs?: number;
  readonly checkpoint?: SettlerCheckpoint;
  readonly onSettled?: (commandId: string, outcome: Settlement) => void;
  readonly onError?: (error: unknown) => void;
};

type Unsettled = {
  readonly commitStream: string;
  readonly planStream: string;
  readonly seenAt: number;
  /** The position delivered just before the command's first claim: the checkpoint may not pass it. */
  readonly before: GlobalPosition | 'start';
};

/**
 * The process manager that completes or undoes interrupted multi-stream commands without the client
 * (docs/adr/0001-multi-stream-commands.md). It follows the asset streams from its checkpoint, notes each command whose
 * claims it sees, forgets it when its commit or its release comes by, and settles it once it has waited
 * `settleAfterMs`. Settling is idempotent, so several settlers (one per API instance) may run side by side.
 */
export class ClaimSettler {
  private readonly unsettled = new Map<string, Unsettled>();
  private last: GlobalPosition | 'start' = 'start';
  private subscription: StoreSubscription | null = null;
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<void> | null = null;
  private savedAt = 0;
  private stopped = false;
  private saved: string | null = null;
  private readonly settleAfterMs: number;

  constructor(private readonly store: EventStore, private readonly options: ClaimSettlerOptions = {}) {
    this.settleAfterMs = options.settleAfterMs ?? DEFAULT_SETTLE_AFTER_MS;
  }

  /** Commands seen with claims and no commit or release yet. */
  get pending(): number {
    return this.unsettled.size;
  }

  async start(): Promise<void> {
    await Promise.resolve();
    const checkpoint = this.options.checkpoint?.load() ?? null;
    if (checkpoint) {
      this.last = checkpoint;
      this.saved = `${checkpoint.commit}:${checkpoint.prepare}`;
    }
    if (this.stopped) return;
    this.subscribe();
    this.timer = setInterval(() => void this.check(), this.options.checkIntervalMs ?? 1_000);
  }

  /** From where it got to; a dropped subscription (the store went away) is taken up again a second later. */
  private subscribe(): void {
    if (this.stopped) return;
    const subscription = this.store.subscribeToAll(
      { from: this.last, filter: { streamNamePrefixes: ['asset-'] } }, (batch) => this.note(batch));
    this.subscription = subscription;
    subscription.done.catch((error: unknown) => {
      this.options.onError?.(error);
      if (this.subscription === subscription) setTimeout(() => this.subscribe(), 1_000).unref();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const subscription = this.subscription;
    this.subscription = null;
    await subscription?.close();
    await this.checking;
  }

  /**
   * Settles, now, every noted command that has waited long enough; resolves when done. Nothing once stopped: the
   * store may be closed by then (a timer tick or a caller that was already on its way).
   */
  check(): Promise<void> {
    if (this.stopped) return this.checking ?? Promise.resolve();
    this.checking ??= this.settleDue().catch((error: unknown) => this.options.onError?.(error)).finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  private note(batch: readonly RecordedEvent[]): void {
    for (const event of batch) {
      const commandId = commandIdOf(event);
      if (event.type === CLAIM_RELEASED) {
        this.unsettled.delete(event.data.commandId as string);
      } else if (commandId !== null) {
        const commitStream = commitStreamOf(event);
        if (commitStream !== null) {
          if (!this.unsettled.has(commandId)) {
            const planStream = typeof event.metadata.planStream === 'string' ? event.metadata.planStream : event.streamName;
            this.unsettled.set(commandId, { commitStream, planStream, seenAt: Date.now(), before: this.last });
          }
        } else if (this.unsettled.get(commandId)?.commitStream === event.streamName) {
          this.unsettled.delete(commandId);
        }
      }
      this.last = event.position;
    }
  }

  private async settleDue(): Promise<void> {
    const now = Date.now();
    for (const [commandId, claim] of [...this.unsettled]) {
      if (this.stopped) break; // stop() waits for the settlement under way, not for the rest
      if (now - claim.seenAt < this.settleAfterMs) continue;
      const plan = planIn(commandId, claim.commitStream, await this.store.readStream(claim.planStream));
      // Catching up a long log, a commit may just not have come by yet: such a command was never interrupted.
      if (plan && !(await isCommitted(this.store, plan))) this.options.onSettled?.(commandId, await settleCommand(this.store, plan));
      this.unsettled.delete(commandId);
    }
    this.saveCheckpoint();
  }

  private saveCheckpoint(): void {
    if (!this.options.checkpoint) return;
    const earlier = (a: GlobalPosition | 'start', b: GlobalPosition | 'start') =>
      a === 'start' || (b !== 'start' && comparePositions(a, b) < 0) ? a : b;
    const oldest = [...this.unsettled.values()].reduce<GlobalPosition | 'start' | null>(
      (low, claim) => (low === null ? claim.before : earlier(claim.before, low)), null);
    const checkpoint = oldest ?? this.last;
    if (checkpoint === 'start') return;
    const key = `${checkpoint.commit}:${checkpoint.prepare}`;
    if (key === this.saved || Date.now() - this.savedAt < (this.options.checkpointEveryMs ?? 5_000)) return;
    this.options.checkpoint.save(checkpoint);
    this.saved = key;
    this.savedAt = Date.now();
  }
}

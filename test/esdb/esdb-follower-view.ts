import type { EsdbLog, LogView, StoredEvent } from './esdb-log';

/**
 * A follower's copy of the leader's log. Replicating, it is the log itself; paused, it stays where it was, so reads
 * that do not require the leader are answered from an older copy, as a lagging follower answers them.
 */
export class FollowerView implements LogView {
  private replicatedUpTo: number | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly log: EsdbLog) {
    log.onAppend(() => {
      if (this.replicatedUpTo === null) this.notify();
    });
  }

  /** Stops replication: from now on, reads see the log as it is at this moment. */
  pause(): void {
    this.replicatedUpTo ??= this.log.length;
  }

  /** Catches up with the leader and follows it again. */
  resume(): void {
    this.replicatedUpTo = null;
    this.notify();
  }

  get length(): number {
    return this.replicatedUpTo ?? this.log.length;
  }

  at(index: number): StoredEvent | undefined {
    return index < this.length ? this.log.at(index) : undefined;
  }

  stream(streamName: string): readonly StoredEvent[] | undefined {
    const events = this.log.stream(streamName);
    const end = this.replicatedUpTo === null ? undefined : this.log.at(this.replicatedUpTo)?.position;
    return events && end !== undefined ? events.filter((event) => event.position < end) : events;
  }

  isDeleted(streamName: string): boolean {
    const tombstone = this.log.stream(streamName)?.at(-1);
    return this.log.isDeleted(streamName) && !!tombstone && this.stream(streamName)?.at(-1) === tombstone;
  }

  indexAtOrAfter(position: bigint): number {
    return Math.min(this.log.indexAtOrAfter(position), this.length);
  }

  indexAfter(position: bigint): number {
    return Math.min(this.log.indexAfter(position), this.length);
  }

  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

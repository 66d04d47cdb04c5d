/**
 * What a test can make the EventStoreDB test server do to appends, as a real cluster does under elections, load and
 * slow replication (EventStoreDB 24.10, `Streams.Append.cs`, `Streams.BatchAppend.cs`, `RpcExceptions.cs`):
 *
 * - `not-ready`: the node is not ready (e.g. during an election). Append answers UNAVAILABLE "Server Is Not Ready";
 *   BatchAppend answers a status with no code and empty details, which client 6.2.1 turns into an UnknownError.
 *   Nothing is written.
 * - `busy`: the node's queues are full. Append: UNAVAILABLE "Server Is Too Busy"; BatchAppend: as `not-ready`, with
 *   "Server Is Busy". Nothing is written.
 * - `commit-then-timeout`: the write is committed but not replicated within the write timeout: the reply is a
 *   timeout (or the client's own deadline fires first), although the events are in the log; a retry before
 *   replication is dropped without an answer (IdempotentNotReady) and times out too; one after it is deduplicated.
 */
export type AppendFaultKind = 'not-ready' | 'busy' | 'commit-then-timeout';

export type AppendFaultOptions = {
  /** How many matching appends fail this way (default 1; Infinity until `clear()`). */
  readonly times?: number;
  /** Only appends to this stream (a name, or a pattern) fail. Default: every stream. */
  readonly stream?: string | RegExp;
};

type Armed = { readonly kind: AppendFaultKind; remaining: number; readonly stream?: string | RegExp };

export class EsdbFaults {
  private armed: Armed[] = [];
  private readonly injectedCounts: Record<AppendFaultKind, number> = { 'not-ready': 0, busy: 0, 'commit-then-timeout': 0 };

  /** Arms a fault for the next matching appends; faults armed earlier fire first. */
  failAppends(kind: AppendFaultKind, options: AppendFaultOptions = {}): void {
    this.armed.push({ kind, remaining: options.times ?? 1, stream: options.stream });
  }

  clear(): void {
    this.armed = [];
  }

  /** How many appends each fault has hit so far. */
  get injected(): Readonly<Record<AppendFaultKind, number>> {
    return this.injectedCounts;
  }

  /** The fault the next append to `streamName` meets, if any (used by the server). */
  takeAppendFault(streamName: string): AppendFaultKind | null {
    const fault = this.armed.find(({ stream }) =>
      stream === undefined || (typeof stream === 'string' ? stream === streamName : stream.test(streamName)));
    if (!fault) return null;
    if (--fault.remaining <= 0) this.armed = this.armed.filter((armed) => armed !== fault);
    this.injectedCounts[fault.kind]++;
    return fault.kind;
  }
}

import type { AllStreamResolvedEvent, AppendResult as ClientAppendResult, ReadPosition, ResolvedEvent } from '@eventstore/db-client';
import { BACKWARDS, END, EventStoreDBClient, FORWARDS, START, StreamNotFoundError, UnknownError } from '@eventstore/db-client';
import { StoreUnavailable } from '../event-store.errors';
import type {
  AppendResult, BatchHandler, EventStore, EventToAppend, ExpectedRevision, GlobalPosition, ReadAllOptions,
  ReadStreamOptions, RecordedEvent, StoreInfo, StoreNode, StoreSubscription, StreamWrite, SubscribeToAllOptions,
} from '../event-store.port';
import { withClusterDefaults } from './esdb-connection';
import { withDeadline } from './esdb-deadline';
import { WrongExpectedVersionError, isDiscoveryFailure, isNotLeader, isTransient, toStoreError, toWrongExpectedRevision } from './esdb-errors';
import type { RetryPolicy } from './esdb-retry';
import { DEFAULT_RETRY_POLICY, withRetries } from './esdb-retry';
import {
  acceptsEvent, redactConnectionString, samePosition, toClientRevision, toEventData, toPosition, toRecorded,
} from './esdb-events';
import { subscribeToAll } from './esdb-subscription';

export type EsdbEventStoreOptions = {
  /**
   * `esdb://host:2113?tls=false`, or several hosts (gossip seeds) for a cluster. Discovery, gossip, deadline and
   * keep-alive settings it does not name get the defaults of `CLUSTER_DEFAULTS`.
   */
  readonly connectionString: string;
  /** How long `ping` waits for an answer. Default 5 s. */
  readonly pingTimeoutMs?: number;
  /** How long any other call may take. Default: the connection's `defaultDeadline` plus 1 s, so its own timeouts win. */
  readonly callDeadlineMs?: number;
  /** Retries of exact-revision appends and of reads sent to a follower. */
  readonly retryPolicy?: RetryPolicy;
};

/** Events per `$all` read call; the port's filters are applied here, so a page may yield fewer. */
const PAGE = 512;
const PING_STREAM = 'chip-ledger-ping';

/**
 * The production store: EventStoreDB through `@eventstore/db-client`. The only module that knows the client, so
 * its successor (`@kurrent/kurrentdb-client`) changes one folder.
 */
export class EsdbEventStore implements EventStore {
  private readonly location: string;
  private readonly client: EventStoreDBClient;
  private readonly subscriptions = new Set<StoreSubscription>();
  private readonly pingTimeoutMs: number;
  private readonly callDeadlineMs: number;
  private readonly retryPolicy: RetryPolicy;
  private node: StoreNode | undefined;
  private closed = false;

  constructor(options: EsdbEventStoreOptions) {
    this.location = redactConnectionString(options.connectionString);
    const { connectionString, settings } = withClusterDefaults(options.connectionString);
    this.client = EventStoreDBClient.connectionString(connectionString);
    this.pingTimeoutMs = options.pingTimeoutMs ?? 5_000;
    this.callDeadlineMs = options.callDeadlineMs ?? settings.defaultDeadline + 1_000;
    this.retryPolicy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
  }

  /** `node`: which node the client talks to and whether it is the leader, as the last `ping` found (none before). */
  get info(): StoreInfo {
    return { kind: 'eventstoredb', location: this.location, ...(this.node ? { node: this.node } : {}) };
  }

  /**
   * Requires the leader, so the client follows the leader after an election instead of writing through a follower.
   * Exact-revision appends are retried here when the cluster did not answer or refused for now (NotReady, Busy,
   * NotLeader, timeouts): the server compares a repeated append's ids with what is stored at that revision, so a
   * retry of a write that did commit answers as the first one would have. `any`/`exists` appends are de-duplicated
   * only through a cache in the leader's memory, lost on restart and failover: they are never retried here.
   */
  async appendToStream(streamName: string, events: readonly EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    const exact = typeof expectedRevision === 'bigint' || expectedRevision === 'no-stream';
    const data = events.map(toEventData);
    const options = { expectedRevision: toClientRevision(expectedRevision), requiresLeader: true };
    const operation = `an append to ${streamName}`;
    const result: ClientAppendResult = await withRetries(this.retryPolicy, (error) => exact && isRetryable(error), async () => {
      try {
        return await withDeadline(this.callDeadlineMs, operation, this.client.appendToStream(streamName, data, options));
      } catch (error) {
        if (error instanceof WrongExpectedVersionError) throw toWrongExpectedRevision(error, streamName, expectedRevision);
        throw toStoreError(error, operation, streamName);
      }
    });
    if (!events.length) return this.emptyAppendResult(streamName);
    return {
      nextExpectedRevision: result.nextExpectedRevision,
      position: result.position ? toPosition(result.position) : ((await this.headPosition()) ?? { commit: 0n, prepare: 0n }),
    };
  }

  /**
   * Passed the revision check and wrote nothing. The client cannot tell "no stream" from revision 0 in that answer,
   * so the stream's last event says which.
   */
  private async emptyAppendResult(streamName: string): Promise<AppendResult> {
    const [last] = await this.readStream(streamName, { direction: 'backwards', maxCount: 1 });
    return {
      nextExpectedRevision: last ? last.revision : -1n,
      position: (await this.headPosition()) ?? { commit: 0n, prepare: 0n },
    };
  }

  /** No multi-stream transactions in client 6: one append after the other; a retry with the same ids completes it. */
  async appendToStreams(writes: readonly StreamWrite[]): Promise<AppendResult[]> {
    const results: AppendResult[] = [];
    for (const write of writes) results.push(await this.appendToStream(write.streamName, write.events, write.expectedRevision));
    return results;
  }

  /** From the leader (`requiresLeader`): a follower's copy may be behind, and commands decide on what this returns. */
  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    if (maxCount <= 0) return [];
    const backwards = options.direction === 'backwards';
    const read = {
      direction: backwards ? BACKWARDS : FORWARDS,
      fromRevision: options.fromRevision ?? (backwards ? END : START),
      maxCount,
      requiresLeader: true,
    } as const;
    const operation = `a read of ${streamName}`;
    // After NotLeader the client has switched to the leader the follower named: asking again is all it takes.
    return withRetries(this.retryPolicy, followsLeader, async () => {
      const events: RecordedEvent[] = [];
      const stream = this.client.readStream(streamName, read);
      const drain = async () => {
        for await (const resolved of stream as AsyncIterable<ResolvedEvent>) if (resolved.event) events.push(toRecorded(resolved.event));
      };
      try {
        await withDeadline(this.callDeadlineMs, operation, drain(), () => void stream.cancel().catch(() => undefined));
      } catch (error) {
        if (error instanceof StreamNotFoundError) return [];
        throw toStoreError(error, operation, streamName);
      }
      return events;
    });
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    if (remaining <= 0) return;
    const backwards = options.direction === 'backwards';
    const accept = acceptsEvent(options.filter);
    let from: ReadPosition = options.fromPosition ?? (backwards ? END : START);
    if (backwards && options.fromPosition) {
      // EventStoreDB reads backwards from a position exclusively (the position is taken as a record's end); the
      // port's start is inclusive, so the event at that position is fetched on its own first.
      const [at] = await this.readAllPage(options.fromPosition, false, 1);
      if (at?.event && samePosition(toPosition(at.event.position), options.fromPosition) && accept(at.event)) {
        yield toRecorded(at.event);
        if (--remaining <= 0) return;
      }
    }
    let skip: GlobalPosition | null = null;
    for (;;) {
      const page = await this.readAllPage(from, backwards, PAGE);
      for (const resolved of page) {
        const event = resolved.event;
        if (!event || (skip && samePosition(toPosition(event.position), skip)) || !accept(event)) continue;
        yield toRecorded(event);
        if (--remaining <= 0) return;
      }
      const last = page.at(-1)?.event;
      if (page.length < PAGE || !last) return;
      // Forwards, a position is inclusive: the next page starts with the event this one ended on.
      from = toPosition(last.position);
      skip = backwards ? null : from;
    }
  }

  /** One bounded call, read to its end, so an abandoned iteration leaves no call open on the server. */
  private async readAllPage(from: ReadPosition, backwards: boolean, maxCount: number): Promise<AllStreamResolvedEvent[]> {
    const page: AllStreamResolvedEvent[] = [];
    const read = this.client.readAll({ direction: backwards ? BACKWARDS : FORWARDS, fromPosition: from, maxCount });
    const drain = async () => {
      for await (const resolved of read) page.push(resolved);
    };
    try {
      await withDeadline(this.callDeadlineMs, 'a read of $all', drain(), () => void read.cancel().catch(() => undefined));
    } catch (error) {
      throw toStoreError(error, 'a read of $all');
    }
    return page;
  }

  subscribeToAll(options: SubscribeToAllOptions, handler: BatchHandler): StoreSubscription {
    const subscription = subscribeToAll(this.client, options, handler);
    this.subscriptions.add(subscription);
    const forget = () => this.subscriptions.delete(subscription);
    subscription.done.then(forget, forget);
    return subscription;
  }

  async headPosition(): Promise<GlobalPosition | null> {
    const [last] = await this.readAllPage(END, true, 1);
    return last?.event ? toPosition(last.event.position) : null;
  }

  /**
   * One read of a stream that does not exist (a round trip that needs no `$all` permission), from the leader. A
   * follower that names the leader makes the client switch to it, and the read is asked again; one that knows no
   * leader (an election) still proves the node answers: `info.node` then says it is not the leader.
   */
  async ping(): Promise<void> {
    let leader = true;
    try {
      await withRetries(this.retryPolicy, followsLeader, () => this.pingOnce(true));
    } catch (error) {
      const cause = error instanceof StoreUnavailable ? error.cause : error;
      if (!isNotLeader(cause) && !(cause instanceof UnknownError && /No leader info/i.test(cause.message))) throw error;
      await this.pingOnce(false);
      leader = false;
    }
    this.node = { endpoint: await this.currentEndpoint(), leader };
  }

  private async pingOnce(requiresLeader: boolean): Promise<void> {
    const read = this.client.readStream(PING_STREAM, { maxCount: 1, direction: BACKWARDS, fromRevision: END, requiresLeader });
    const drain = async () => {
      try {
        await read.toArray();
      } catch (error) {
        if (!(error instanceof StreamNotFoundError)) throw toStoreError(error, 'a ping');
      }
    };
    await withDeadline(this.pingTimeoutMs, 'a ping', drain(), () => void read.cancel().catch(() => undefined));
  }

  /**
   * The node the client's channel is connected to. Client 6.2.1 does not publish it; its (JavaScript-public)
   * `getChannel` does, and anything unexpected there only makes this unknown.
   */
  private async currentEndpoint(): Promise<string | null> {
    const internal = this.client as unknown as { getChannel?: () => Promise<{ getTarget?: () => string }> };
    try {
      const target = (await internal.getChannel?.())?.getTarget?.();
      return typeof target === 'string' ? target.replace(/^(dns|ipv4|ipv6):(\/\/[^/]*\/)?/, '') : null;
    } catch {
      return null;
    }
  }

  /** Subscriptions first: disposing the client under an open subscription leaves the server a call to cancel. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose();
  }
}

/** Worth asking again: no answer or "not now", but not a cluster nobody could find (that only repeats the wait). */
const isRetryable = (error: unknown): boolean =>
  error instanceof StoreUnavailable && isTransient(error.cause ?? error) && !isDiscoveryFailure(error.cause);

const followsLeader = (error: unknown): boolean => error instanceof StoreUnavailable && isNotLeader(error.cause);

export const openEsdbEventStore = (options: EsdbEventStoreOptions): EventStore => new EsdbEventStore(options);

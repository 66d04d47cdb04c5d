import type { AllStreamResolvedEvent, ReadPosition, StreamingRead } from '@eventstore/db-client';
import { BACKWARDS, END, EventStoreDBClient, FORWARDS, START, StreamNotFoundError } from '@eventstore/db-client';
import { StoreUnavailable } from '../event-store.errors';
import type {
  AppendResult, BatchHandler, EventStore, EventToAppend, ExpectedRevision, GlobalPosition, ReadAllOptions,
  ReadStreamOptions, RecordedEvent, StoreInfo, StoreSubscription, StreamWrite, SubscribeToAllOptions,
} from '../event-store.port';
import { WrongExpectedVersionError, toStoreError, toWrongExpectedRevision } from './esdb-errors';
import {
  acceptsEvent, redactConnectionString, samePosition, toClientRevision, toEventData, toPosition, toRecorded,
} from './esdb-events';
import { subscribeToAll } from './esdb-subscription';

export type EsdbEventStoreOptions = {
  /** `esdb://host:2113?tls=false`, or several hosts (gossip seeds) for a cluster. */
  readonly connectionString: string;
  /** How long `ping` waits for an answer. Default 5 s. */
  readonly pingTimeoutMs?: number;
};

/** Events per `$all` read call; the port's filters are applied here, so a page may yield fewer. */
const PAGE = 512;
const PING_STREAM = 'chip-ledger-ping';

/**
 * The production store: EventStoreDB through `@eventstore/db-client`. The only module that knows the client, so
 * its successor (`@kurrent/kurrentdb-client`) changes one folder.
 */
export class EsdbEventStore implements EventStore {
  readonly info: StoreInfo;
  private readonly client: EventStoreDBClient;
  private readonly subscriptions = new Set<StoreSubscription>();
  private readonly pingTimeoutMs: number;
  private closed = false;

  constructor(options: EsdbEventStoreOptions) {
    this.info = { kind: 'eventstoredb', location: redactConnectionString(options.connectionString) };
    this.client = EventStoreDBClient.connectionString(options.connectionString);
    this.pingTimeoutMs = options.pingTimeoutMs ?? 5_000;
  }

  async appendToStream(streamName: string, events: readonly EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    let result;
    try {
      result = await this.client.appendToStream(streamName, events.map(toEventData), { expectedRevision: toClientRevision(expectedRevision) });
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw toWrongExpectedRevision(error, streamName, expectedRevision);
      throw toStoreError(error, `an append to ${streamName}`);
    }
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

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    if (maxCount <= 0) return [];
    const backwards = options.direction === 'backwards';
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(streamName, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: options.fromRevision ?? (backwards ? END : START),
        maxCount,
      });
      for await (const resolved of read) if (resolved.event) events.push(toRecorded(resolved.event));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw toStoreError(error, `a read of ${streamName}`);
    }
    return events;
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
    try {
      for await (const resolved of this.client.readAll({ direction: backwards ? BACKWARDS : FORWARDS, fromPosition: from, maxCount })) {
        page.push(resolved);
      }
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

  /** One read of a stream that does not exist: a round trip that needs no `$all` permission. */
  async ping(): Promise<void> {
    const read: StreamingRead<unknown> = this.client.readStream(PING_STREAM, { maxCount: 1, direction: BACKWARDS, fromRevision: END });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StoreUnavailable(`EventStoreDB did not answer a ping within ${this.pingTimeoutMs} ms`)), this.pingTimeoutMs);
    });
    const drain = (async () => {
      try {
        await read.toArray();
      } catch (error) {
        if (!(error instanceof StreamNotFoundError)) throw toStoreError(error, 'a ping');
      }
    })();
    try {
      await Promise.race([drain, timeout]);
    } catch (error) {
      await read.cancel().catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(timer);
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

export const openEsdbEventStore = (options: EsdbEventStoreOptions): EventStore => new EsdbEventStore(options);

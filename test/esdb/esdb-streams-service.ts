import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty as GoogleEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import {
  AllStreamPosition, Empty, MaximumAppendSizeExceeded, StreamDeleted, StreamIdentifier, Timeout, UUID, WrongExpectedVersion,
} from '@eventstore/db-client/generated/shared_pb';
import { Status } from '@eventstore/db-client/generated/status_pb';
import { Code } from '@eventstore/db-client/generated/code_pb';
import type { IStreamsServer } from '@eventstore/db-client/generated/streams_grpc_pb';
import {
  AppendReq, AppendResp, BatchAppendReq, BatchAppendResp, ReadReq, ReadResp, TombstoneResp,
} from '@eventstore/db-client/generated/streams_pb';
import type { EsdbFaults } from './esdb-faults';
import type { AppendOutcome, EsdbLog, ExpectedVersion, LogView, ProposedEvent, StoredEvent } from './esdb-log';
import { InvalidPosition } from './esdb-log';

/** What the Streams service needs from the server around it. */
export type StreamsServiceContext = {
  /** Where writes go (a follower forwards them to the leader's log). */
  readonly log: EsdbLog;
  /** What reads see: the log on a leader, a possibly older copy on a follower. */
  readonly view: LogView;
  /**
   * Set on a follower: where the leader is, for the NotLeader answer to requests that require the leader; `none`
   * while no leader is elected (the answer then names none).
   */
  readonly leader: (() => { readonly host: string; readonly port: number } | 'none') | null;
  readonly faults: EsdbFaults;
  /** The server's `WriteTimeoutMs` (2 s by default): when an unanswered write is answered with a timeout. */
  readonly writeTimeoutMs: number;
  /** How long a `commit-then-timeout` write stays unreplicated (retries dropped) after it is committed. */
  readonly replicationDelayMs: number;
  /** EventStoreDB's `MaxAppendSize`: 1 MiB by default. */
  readonly maxAppendSize: number;
  /** `known`: 24.x reports an event's log position on stream reads. `unknown`: earlier servers send 2^64-1. */
  readonly streamReadPositions: 'known' | 'unknown';
  /** Counts calls per RPC, so tests can tell which one the client used. */
  readonly countCall: (rpc: 'append' | 'batchAppend' | 'read') => void;
  /** Told each time a write has to wait for the client to read (HTTP/2 flow control). */
  readonly onBackpressure: () => void;
  /** Registers a live call, so `stop()` can end it with UNAVAILABLE and `kill()` can abandon it; returns the release. */
  readonly track: (call: LiveCall) => () => void;
};

export type LiveCall = {
  /** Graceful shutdown: answer UNAVAILABLE, as a node going down does. */
  end(): void;
  /** Abrupt shutdown: stop all work on the call, write nothing more. */
  abort(): void;
};

const DEFAULT_WINDOW = 32;

type Writer<T> = {
  write(message: T): Promise<void>;
  readonly closed: boolean;
  /** Settles when the call is over: cancelled by the client, finished, or abandoned by `abort()`. */
  readonly whenClosed: Promise<void>;
  abort(): void;
};

/** Writes with backpressure: waits for 'drain' when grpc-js buffers, and stops when the call is over. */
const writerFor = <T>(
  call: grpc.ServerWritableStream<unknown, T> | grpc.ServerDuplexStream<unknown, T>, onBackpressure: () => void,
): Writer<T> => {
  let closed = false;
  let markClosed: () => void = () => undefined;
  const whenClosed = new Promise<void>((resolve) => {
    markClosed = resolve;
  });
  const close = () => {
    closed = true;
    markClosed();
  };
  call.on('cancelled', close);
  call.on('close', close);
  call.on('finish', close);
  return {
    get closed() {
      return closed || call.cancelled;
    },
    whenClosed,
    abort: close,
    async write(message: T) {
      if (closed || call.cancelled) return;
      if (call.write(message)) return;
      onBackpressure();
      await Promise.race([new Promise((resolve) => call.once('drain', resolve)), whenClosed]);
    },
  };
};

const streamName = (identifier: StreamIdentifier | undefined): string =>
  Buffer.from(identifier?.getStreamName_asU8() ?? new Uint8Array()).toString('utf8');

const identifierOf = (name: string): StreamIdentifier => new StreamIdentifier().setStreamName(Buffer.from(name, 'utf8'));

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const parseUuid = (uuid: UUID | undefined): string => {
  if (uuid?.hasStructured()) {
    const structured = uuid.getStructured()!;
    const bytes = Buffer.alloc(16);
    bytes.writeBigUInt64BE(BigInt.asUintN(64, BigInt(structured.getMostSignificantBits())), 0);
    bytes.writeBigUInt64BE(BigInt.asUintN(64, BigInt(structured.getLeastSignificantBits())), 8);
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  const text = uuid?.getString() ?? '';
  if (!UUID_PATTERN.test(text)) throw rpcError(grpc.status.INVALID_ARGUMENT, `Invalid event id "${text}"`);
  return text.toLowerCase();
};

type RpcError = Partial<grpc.StatusObject> & { code: grpc.status };

const rpcError = (code: grpc.status, details: string, trailers: Record<string, string> = {}): RpcError => {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return { code, details, metadata };
};

const isRpcError = (error: unknown): error is RpcError =>
  typeof error === 'object' && error !== null && 'code' in error && typeof (error as RpcError).code === 'number';

type Proposed = AppendReq.ProposedMessage | BatchAppendReq.ProposedMessage;

/**
 * The server rejects events without `type` or `content-type` and batches over the maximum append size, counting an
 * event as data + metadata + 2 × the type's length (`Event.SizeOnDisk`, as fixed in 24.10.4: up to 24.10.3 an
 * operator-precedence slip made it count the data only).
 */
const toProposed = (messages: readonly Proposed[], maxAppendSize: number): ProposedEvent[] => {
  let size = 0;
  return messages.map((message) => {
    const metadata = message.getMetadataMap();
    const missing = ['type', 'content-type'].filter((key) => !metadata.has(key));
    if (missing.length) {
      throw rpcError(grpc.status.INVALID_ARGUMENT, `Missing required metadata: ${missing.join(', ')}`, {
        exception: 'missing-required-metadata-property', 'required-metadata-properties': missing.join(','),
      });
    }
    const data = message.getData_asU8();
    const custom = message.getCustomMetadata_asU8();
    size += data.length + custom.length + 2 * metadata.get('type')!.length;
    if (size > maxAppendSize) throw new AppendTooLarge(maxAppendSize);
    return {
      id: parseUuid(message.getId()),
      type: metadata.get('type')!,
      contentType: metadata.get('content-type')!,
      data: Buffer.from(data),
      metadata: Buffer.from(custom),
    };
  });
};

class AppendTooLarge extends Error {
  readonly kind = 'too-large';
  constructor(readonly maxAppendSize: number) {
    super(`Maximum Append Size of ${maxAppendSize} Exceeded.`);
  }
}

type RefusingFault = 'not-ready' | 'busy';

/**
 * What an append is answered with: the log's outcome, a refusal before anything is written (NotReady, TooBusy), or
 * a timeout once the write timeout has passed (a committed write whose replication is late, or a dropped retry).
 */
type AppendAnswer =
  | Exclude<AppendOutcome, { kind: 'dropped' }>
  | { readonly kind: 'refused'; readonly fault: RefusingFault | 'no-leader' }
  | { readonly kind: 'timeout' };

const NO_LEADER_INFO = 'No leader info available in response';

const notLeaderError = (leader: { readonly host: string; readonly port: number } | 'none'): RpcError =>
  leader === 'none'
    ? rpcError(grpc.status.UNKNOWN, NO_LEADER_INFO)
    : rpcError(grpc.status.NOT_FOUND, 'Leader info available', {
      exception: 'not-leader', 'leader-endpoint-host': leader.host, 'leader-endpoint-port': `${leader.port}`,
    });

const streamDeletedError = (name: string): RpcError =>
  rpcError(grpc.status.FAILED_PRECONDITION, `Event stream '${name}' is deleted.`, { exception: 'stream-deleted', 'stream-name': name });

const requiresLeader = (metadata: grpc.Metadata): boolean => metadata.get('requires-leader').some((value) => `${value}` === 'true');

const expectedOfAppend = (options: AppendReq.Options): ExpectedVersion => {
  switch (options.getExpectedStreamRevisionCase()) {
    case AppendReq.Options.ExpectedStreamRevisionCase.REVISION:
      return { kind: 'revision', revision: BigInt(options.getRevision()) };
    case AppendReq.Options.ExpectedStreamRevisionCase.NO_STREAM:
      return { kind: 'no-stream' };
    case AppendReq.Options.ExpectedStreamRevisionCase.STREAM_EXISTS:
      return { kind: 'stream-exists' };
    default:
      return { kind: 'any' };
  }
};

const expectedOfBatch = (options: BatchAppendReq.Options): ExpectedVersion => {
  switch (options.getExpectedStreamPositionCase()) {
    case BatchAppendReq.Options.ExpectedStreamPositionCase.STREAM_POSITION:
      return { kind: 'revision', revision: BigInt(options.getStreamPosition()) };
    case BatchAppendReq.Options.ExpectedStreamPositionCase.NO_STREAM:
      return { kind: 'no-stream' };
    case BatchAppendReq.Options.ExpectedStreamPositionCase.STREAM_EXISTS:
      return { kind: 'stream-exists' };
    default:
      return { kind: 'any' };
  }
};

const appendResponse = (outcome: Extract<AppendOutcome, { kind: 'success' | 'wrong-expected-version' }>, expected: ExpectedVersion): AppendResp => {
  if (outcome.kind === 'wrong-expected-version') {
    const wrong = new AppendResp.WrongExpectedVersion();
    if (outcome.currentRevision === null) wrong.setCurrentNoStream(new Empty());
    else wrong.setCurrentRevision(outcome.currentRevision.toString());
    if (expected.kind === 'revision') wrong.setExpectedRevision(expected.revision.toString());
    else if (expected.kind === 'no-stream') wrong.setExpectedNoStream(new Empty());
    else if (expected.kind === 'stream-exists') wrong.setExpectedStreamExists(new Empty());
    else wrong.setExpectedAny(new Empty());
    return new AppendResp().setWrongExpectedVersion(wrong);
  }
  const success = new AppendResp.Success();
  if (outcome.currentRevision === null) success.setNoStream(new Empty());
  else success.setCurrentRevision(outcome.currentRevision.toString());
  if (outcome.position === null) success.setNoPosition(new Empty());
  else success.setPosition(new AppendResp.Position().setCommitPosition(`${outcome.position}`).setPreparePosition(`${outcome.position}`));
  return new AppendResp().setSuccess(success);
};

const packedStatus = (code: Code, message: string, typeName: string, serialized: Uint8Array): Status => {
  const details = new Any();
  details.pack(serialized, typeName);
  return new Status().setCode(code).setMessage(message).setDetails(details);
};

/**
 * How BatchAppend answers a NotHandled NotReady or TooBusy (24.10 `Streams.BatchAppend.cs`): no code, a message, and
 * an empty `google.protobuf.Empty` as details, which client 6.2.1 cannot recognise (an UnknownError without a code).
 */
const notHandledStatus = (fault: RefusingFault | 'no-leader'): Status => {
  const message = fault === 'not-ready' ? 'Server Is Not Ready' : fault === 'busy' ? 'Server Is Busy' : NO_LEADER_INFO;
  return packedStatus(Code.OK, message, 'google.protobuf.Empty', new GoogleEmpty().serializeBinary());
};

const timeoutStatus = (): Status => packedStatus(Code.DEADLINE_EXCEEDED, 'Timeout', 'event_store.client.Timeout', new Timeout().serializeBinary());

const batchResponse = (
  correlationId: UUID, stream: string, outcome: AppendAnswer | AppendTooLarge, expected: ExpectedVersion,
): BatchAppendResp => {
  const response = new BatchAppendResp().setCorrelationId(correlationId).setStreamIdentifier(identifierOf(stream));
  if (expected.kind === 'revision') response.setStreamPosition(expected.revision.toString());
  else if (expected.kind === 'no-stream') response.setNoStream(new GoogleEmpty());
  else if (expected.kind === 'stream-exists') response.setStreamExists(new GoogleEmpty());
  else response.setAny(new GoogleEmpty());
  if (outcome.kind === 'refused') return response.setError(notHandledStatus(outcome.fault));
  if (outcome.kind === 'timeout') return response.setError(timeoutStatus());
  if (outcome.kind === 'stream-deleted') {
    const details = new StreamDeleted().setStreamIdentifier(identifierOf(stream));
    return response.setError(packedStatus(Code.NOT_FOUND, 'StreamDeleted', 'event_store.client.StreamDeleted', details.serializeBinary()));
  }
  if (outcome instanceof AppendTooLarge) {
    const details = new MaximumAppendSizeExceeded().setMaxappendsize(outcome.maxAppendSize);
    return response.setError(packedStatus(
      Code.INVALID_ARGUMENT, outcome.message, 'event_store.client.MaximumAppendSizeExceeded', details.serializeBinary(),
    ));
  }
  if (outcome.kind === 'wrong-expected-version') {
    const wrong = new WrongExpectedVersion();
    if (outcome.currentRevision === null) wrong.setCurrentNoStream(new GoogleEmpty());
    else wrong.setCurrentStreamRevision(outcome.currentRevision.toString());
    if (expected.kind === 'revision') wrong.setExpectedStreamPosition(expected.revision.toString());
    else if (expected.kind === 'no-stream') wrong.setExpectedNoStream(new GoogleEmpty());
    else if (expected.kind === 'stream-exists') wrong.setExpectedStreamExists(new GoogleEmpty());
    else wrong.setExpectedAny(new GoogleEmpty());
    return response.setError(packedStatus(
      Code.FAILED_PRECONDITION, 'Wrong expected version', 'event_store.client.WrongExpectedVersion', wrong.serializeBinary(),
    ));
  }
  const success = new BatchAppendResp.Success();
  if (outcome.currentRevision === null) success.setNoStream(new GoogleEmpty());
  else success.setCurrentRevision(outcome.currentRevision.toString());
  if (outcome.position === null) success.setNoPosition(new GoogleEmpty());
  else success.setPosition(new AllStreamPosition().setCommitPosition(`${outcome.position}`).setPreparePosition(`${outcome.position}`));
  return response.setSuccess(success);
};

const UNKNOWN_POSITION = (2n ** 64n - 1n).toString();

const recordOf = (event: StoredEvent, position: string): ReadResp.ReadEvent.RecordedEvent => {
  const record = new ReadResp.ReadEvent.RecordedEvent()
    .setId(new UUID().setString(event.id))
    .setStreamIdentifier(identifierOf(event.streamName))
    .setStreamRevision(event.revision.toString())
    .setCommitPosition(position)
    .setPreparePosition(position)
    .setData(event.data)
    .setCustomMetadata(event.metadata);
  record.getMetadataMap()
    .set('type', event.type)
    .set('content-type', event.contentType)
    .set('created', event.created.toString());
  return record;
};

/** The wrapper carries the commit position when the server knows it; otherwise `no_position`. */
const eventResponse = (event: StoredEvent, positionKnown: boolean): ReadResp => {
  const position = positionKnown ? event.position.toString() : UNKNOWN_POSITION;
  const read = new ReadResp.ReadEvent().setEvent(recordOf(event, position));
  if (positionKnown) read.setCommitPosition(position);
  else read.setNoPosition(new Empty());
  return new ReadResp().setEvent(read);
};

type Filter = { matches(event: StoredEvent): boolean; readonly checkpointInterval: number | null };

const NO_FILTER: Filter = { matches: () => true, checkpointInterval: null };

const filterOf = (options: ReadReq.Options): Filter => {
  const filter = options.getFilter();
  if (!options.hasFilter() || !filter) return NO_FILTER;
  const expression = filter.getStreamIdentifier() ?? filter.getEventType();
  const onStream = filter.hasStreamIdentifier();
  const prefixes = expression?.getPrefixList() ?? [];
  const regex = expression?.getRegex() ? new RegExp(expression.getRegex()) : null;
  const window = filter.hasMax() ? filter.getMax() : DEFAULT_WINDOW;
  return {
    checkpointInterval: Math.max(1, filter.getCheckpointintervalmultiplier()) * window,
    matches: (event) => {
      const value = onStream ? event.streamName : event.type;
      if (regex) return regex.test(value);
      return prefixes.some((prefix) => value.startsWith(prefix));
    },
  };
};

const checkpointAt = (position: bigint): ReadResp =>
  new ReadResp().setCheckpoint(new ReadResp.Checkpoint().setCommitPosition(`${position}`).setPreparePosition(`${position}`));

/** The Streams service: Append, BatchAppend and Read (reads and catch-up subscriptions), over one in-memory log. */
export const streamsService = (context: StreamsServiceContext): IStreamsServer => {
  const { log, view } = context;

  /** NotLeader for a request that requires the leader, when this node is a follower. */
  const leaderCheck = (metadata: grpc.Metadata): RpcError | null => {
    const leader = context.leader?.();
    return leader && requiresLeader(metadata) ? notLeaderError(leader) : null;
  };

  /** The fault the test armed, or the log's outcome; `dropped` writes are answered with the write timeout. */
  const appendTo = (name: string, expected: ExpectedVersion, events: readonly ProposedEvent[]): AppendAnswer => {
    const fault = context.faults.takeAppendFault(name);
    if (fault === 'not-ready' || fault === 'busy') return { kind: 'refused', fault };
    if (fault === 'commit-then-timeout') {
      const outcome = log.append(name, expected, events, context.replicationDelayMs);
      return outcome.kind === 'success' || outcome.kind === 'dropped' ? { kind: 'timeout' } : outcome;
    }
    const outcome = log.append(name, expected, events);
    return outcome.kind === 'dropped' ? { kind: 'timeout' } : outcome;
  };

  const later = (ms: number, action: () => void): void => {
    setTimeout(action, Math.max(0, ms)).unref();
  };
  const positionKnown = (fromAll: boolean) => fromAll || context.streamReadPositions === 'known';

  const read = async (call: grpc.ServerWritableStream<ReadReq, ReadResp>, writer: Writer<ReadResp>): Promise<void> => {
    const options = call.request.getOptions();
    if (!options) throw rpcError(grpc.status.INVALID_ARGUMENT, 'Read options are required');
    const notLeader = leaderCheck(call.metadata);
    if (notLeader) throw notLeader;
    const backwards = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
    const filter = filterOf(options);
    if (options.hasSubscription()) return subscribe(options, filter, writer);
    const count = BigInt(options.hasCount() ? options.getCount() : '0');
    const selected = options.hasStream() ? streamEvents(options.getStream()!, backwards, writer) : allEvents(options.getAll()!, backwards);
    const events = await selected;
    if (!events) return;
    let sent = 0n;
    for (const event of events) {
      if (sent >= count || writer.closed) break;
      if (!filter.matches(event)) continue;
      await writer.write(eventResponse(event, positionKnown(options.hasAll())));
      sent++;
    }
  };

  /** Null when the stream does not exist (the call then answered stream_not_found). */
  const streamEvents = async (
    stream: ReadReq.Options.StreamOptions, backwards: boolean, writer: Writer<ReadResp>,
  ): Promise<Iterable<StoredEvent> | null> => {
    const name = streamName(stream.getStreamIdentifier());
    if (view.isDeleted(name)) throw streamDeletedError(name);
    const events = view.stream(name);
    if (!events?.length) {
      await writer.write(new ReadResp().setStreamNotFound(new ReadResp.StreamNotFound().setStreamIdentifier(identifierOf(name))));
      return null;
    }
    const Case = ReadReq.Options.StreamOptions.RevisionOptionCase;
    const revisionCase = stream.getRevisionOptionCase();
    const snapshot = events.slice();
    if (backwards) {
      const last = snapshot.length - 1;
      const from = revisionCase === Case.REVISION ? Number(BigInt(stream.getRevision())) : revisionCase === Case.END ? last : 0;
      return snapshot.slice(0, Math.min(from, last) + 1).reverse();
    }
    const from = revisionCase === Case.REVISION ? Number(BigInt(stream.getRevision())) : revisionCase === Case.END ? snapshot.length : 0;
    return snapshot.slice(Math.min(from, snapshot.length));
  };

  /** Forwards from a position is inclusive; backwards is exclusive: the server treats it as a record's end. */
  const allEvents = async (all: ReadReq.Options.AllOptions, backwards: boolean): Promise<Iterable<StoredEvent>> => {
    const Case = ReadReq.Options.AllOptions.AllOptionCase;
    let index: number;
    switch (all.getAllOptionCase()) {
      case Case.POSITION:
        index = view.indexAtOrAfter(BigInt(all.getPosition()!.getCommitPosition()));
        break;
      case Case.END:
        index = view.length;
        break;
      default:
        index = 0;
    }
    const snapshot = view.length;
    if (backwards) {
      return (function* () {
        for (let i = Math.min(index, snapshot) - 1; i >= 0; i--) yield view.at(i)!;
      })();
    }
    return (function* () {
      for (let i = index; i < snapshot; i++) yield view.at(i)!;
    })();
  };

  /**
   * Confirmation, catch-up, a checkpoint and `caught_up` at the end of the log, then live events; filtered `$all`
   * subscriptions also get a checkpoint each time `window × multiplier` events have been considered.
   */
  const subscribe = async (options: ReadReq.Options, filter: Filter, writer: Writer<ReadResp>): Promise<void> => {
    const fromAll = options.hasAll();
    let stream: readonly StoredEvent[] | undefined;
    let name = '';
    let cursor: number;
    if (fromAll) {
      const all = options.getAll()!;
      const Case = ReadReq.Options.AllOptions.AllOptionCase;
      cursor = all.getAllOptionCase() === Case.POSITION ? view.indexAfter(BigInt(all.getPosition()!.getCommitPosition()))
        : all.getAllOptionCase() === Case.END ? view.length : 0;
    } else {
      const options_ = options.getStream()!;
      name = streamName(options_.getStreamIdentifier());
      stream = view.stream(name);
      const Case = ReadReq.Options.StreamOptions.RevisionOptionCase;
      cursor = options_.getRevisionOptionCase() === Case.REVISION ? Number(BigInt(options_.getRevision())) + 1
        : options_.getRevisionOptionCase() === Case.END ? (stream?.length ?? 0) : 0;
    }
    const source = (index: number): StoredEvent | undefined => {
      if (fromAll) return view.at(index);
      stream ??= view.stream(name);
      return stream?.[index];
    };
    await writer.write(new ReadResp().setConfirmation(new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID())));
    let considered = 0;
    let lastConsidered: bigint | null = null;
    let caughtUp = false;
    let wake: (() => void) | null = null;
    const unsubscribe = view.onAppend(() => wake?.());
    try {
      while (!writer.closed) {
        const event = source(cursor);
        if (!event) {
          if (!caughtUp) {
            caughtUp = true;
            if (fromAll && filter.checkpointInterval !== null) {
              await writer.write(checkpointAt(lastConsidered ?? (view.length ? view.at(view.length - 1)!.position : 0n)));
            }
            await writer.write(new ReadResp().setCaughtUp(new ReadResp.CaughtUp()));
          }
          await Promise.race([
            new Promise<void>((resolve) => {
              wake = resolve;
              if (source(cursor)) resolve();
            }),
            writer.whenClosed,
          ]);
          wake = null;
          continue;
        }
        cursor++;
        considered++;
        lastConsidered = event.position;
        if (filter.matches(event)) await writer.write(eventResponse(event, positionKnown(fromAll)));
        if (fromAll && filter.checkpointInterval !== null && considered >= filter.checkpointInterval) {
          considered %= filter.checkpointInterval;
          await writer.write(checkpointAt(event.position));
        }
      }
    } finally {
      unsubscribe();
    }
  };

  return {
    read(call) {
      context.countCall('read');
      const writer = writerFor(call, context.onBackpressure);
      let ended = false;
      const end = (error?: RpcError) => {
        if (ended || call.cancelled) return;
        ended = true;
        if (error) call.emit('error', error);
        else call.end();
      };
      const untrack = context.track({
        end: () => end(rpcError(grpc.status.UNAVAILABLE, 'Server is shutting down')),
        abort: () => {
          ended = true;
          writer.abort();
        },
      });
      const fail = (error: unknown) => {
        if (isRpcError(error)) return end(error);
        if (error instanceof InvalidPosition) return end(rpcError(grpc.status.INVALID_ARGUMENT, error.message));
        end(rpcError(grpc.status.UNKNOWN, error instanceof Error ? error.message : String(error)));
      };
      read(call, writer).then(() => end(), fail).finally(untrack);
    },

    append(call, callback) {
      context.countCall('append');
      let options: AppendReq.Options | undefined;
      const messages: AppendReq.ProposedMessage[] = [];
      let answered = false;
      const answer = (error: RpcError | null, response?: AppendResp) => {
        if (answered) return;
        answered = true;
        untrack();
        if (error) callback(error);
        else callback(null, response);
      };
      const untrack = context.track({
        end: () => answer(rpcError(grpc.status.UNAVAILABLE, 'Server is shutting down')),
        abort: () => {
          answered = true;
        },
      });
      call.on('data', (request: AppendReq) => {
        if (request.hasOptions()) options = request.getOptions();
        else if (request.hasProposedMessage()) messages.push(request.getProposedMessage()!);
      });
      call.on('error', () => untrack());
      call.on('cancelled', () => untrack());
      call.on('end', () => {
        if (!options) return answer(rpcError(grpc.status.INVALID_ARGUMENT, 'The first message must carry the options'));
        const notLeader = leaderCheck(call.metadata);
        if (notLeader) return answer(notLeader);
        const expected = expectedOfAppend(options);
        const name = streamName(options.getStreamIdentifier());
        let reply: AppendAnswer;
        try {
          reply = appendTo(name, expected, toProposed(messages, context.maxAppendSize));
        } catch (error) {
          if (error instanceof AppendTooLarge) {
            return answer(rpcError(grpc.status.INVALID_ARGUMENT, error.message, {
              exception: 'maximum-append-size-exceeded', 'maximum-append-size': `${error.maxAppendSize}`,
            }));
          }
          return answer(isRpcError(error) ? error : rpcError(grpc.status.UNKNOWN, String(error)));
        }
        switch (reply.kind) {
          case 'refused':
            return answer(rpcError(grpc.status.UNAVAILABLE, reply.fault === 'not-ready' ? 'Server Is Not Ready' : 'Server Is Too Busy'));
          case 'timeout':
            // The request manager's commit (or prepare) timeout; a client deadline shorter than it fires first.
            return later(context.writeTimeoutMs, () => answer(rpcError(grpc.status.ABORTED, 'Operation timed out: Commit phase timeout.')));
          case 'stream-deleted':
            return answer(streamDeletedError(name));
          default:
            return answer(null, appendResponse(reply, expected));
        }
      });
    },

    batchAppend(call) {
      context.countCall('batchAppend');
      const writer = writerFor(call, context.onBackpressure);
      const pending = new Map<string, { options: BatchAppendReq.Options; messages: BatchAppendReq.ProposedMessage[] }>();
      let ended = false;
      const end = (error?: RpcError) => {
        if (ended || call.cancelled) return;
        ended = true;
        if (error) call.emit('error', error);
        else call.end();
      };
      const untrack = context.track({
        end: () => end(rpcError(grpc.status.UNAVAILABLE, 'Server is shutting down')),
        abort: () => {
          ended = true;
          writer.abort();
        },
      });
      call.on('data', (request: BatchAppendReq) => {
        if (ended) return;
        // The 24.10 server throws the NotLeader exception out of the response loop: the whole call fails with it.
        // Without a leader to name, it answers the request alone, with a status the client cannot recognise.
        const notLeader = leaderCheck(call.metadata);
        if (notLeader && notLeader.code !== grpc.status.UNKNOWN) return end(notLeader);
        const correlation = request.getCorrelationId() ?? new UUID();
        const key = parseUuid(correlation);
        let entry = pending.get(key);
        if (!entry) {
          const options = request.getOptions();
          if (!options) return end(rpcError(grpc.status.INVALID_ARGUMENT, 'The first chunk of a batch must carry the options'));
          entry = { options, messages: [] };
          pending.set(key, entry);
        }
        entry.messages.push(...request.getProposedMessagesList());
        if (!request.getIsFinal()) return;
        pending.delete(key);
        const name = streamName(entry.options.getStreamIdentifier());
        const expected = expectedOfBatch(entry.options);
        try {
          const reply: AppendAnswer = notLeader
            ? { kind: 'refused', fault: 'no-leader' }
            : appendTo(name, expected, toProposed(entry.messages, context.maxAppendSize));
          if (reply.kind !== 'timeout') {
            void writer.write(batchResponse(correlation, name, reply, expected));
          } else {
            // The request's own deadline (sent in its options) or the server's write timeout, whichever is sooner.
            const deadline = entry.options.getDeadline()?.toDate().getTime() ?? Number.POSITIVE_INFINITY;
            later(Math.min(context.writeTimeoutMs, deadline - Date.now()), () => void writer.write(batchResponse(correlation, name, reply, expected)));
          }
        } catch (error) {
          if (error instanceof AppendTooLarge) void writer.write(batchResponse(correlation, name, error, expected));
          else end(isRpcError(error) ? error : rpcError(grpc.status.UNKNOWN, String(error)));
        }
      });
      call.on('end', () => end());
      void writer.whenClosed.then(untrack);
    },

    delete(_call, callback) {
      callback(rpcError(grpc.status.UNIMPLEMENTED, 'Not modelled by the test server'));
    },

    tombstone(call, callback) {
      const notLeader = leaderCheck(call.metadata);
      if (notLeader) return callback(notLeader);
      const name = streamName(call.request.getOptions()?.getStreamIdentifier());
      if (log.isDeleted(name)) return callback(streamDeletedError(name));
      const tombstone = log.tombstone(name);
      const position = new TombstoneResp.Position().setCommitPosition(`${tombstone.position}`).setPreparePosition(`${tombstone.position}`);
      callback(null, new TombstoneResp().setPosition(position));
    },
  };
};

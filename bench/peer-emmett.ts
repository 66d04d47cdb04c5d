import type { SQLiteConnection } from '@event-driven-io/emmett-sqlite';
import {
  appendToStream as emmettAppend, createEventStoreSchema, readMessagesBatch, readStream as emmettReadStream, sqliteConnection,
} from '@event-driven-io/emmett-sqlite';
import type {
  AppendResult, BatchHandler, EventStore, EventToAppend, ExpectedRevision, GlobalPosition, JsonObject, ReadAllOptions,
  ReadStreamOptions, RecordedEvent, StoreInfo, StoreSubscription, StreamWrite,
} from '@chip-ledger/event-store';
import { WrongExpectedRevision, positionOf } from '@chip-ledger/event-store';

/**
 * The peer, `@event-driven-io/emmett-sqlite`, behind the ledger's EventStore port, so the very same command handler,
 * domain and commands run on it and only the store differs. Given its best footing: one connection kept open for the
 * whole run (its `getSQLiteEventStore` opens and closes one per call, which DESIGN.md measured 5× slower), WAL as it
 * sets itself, and synchronous=NORMAL like the ledger and the raw reference (its default is FULL).
 *
 * Expected revisions map onto its 1-based stream versions: a revision r is version r + 1, `no-stream` is version 0
 * (the stream row must not exist); `any` and `exists` check nothing (it has no `exists` check). It checks versions by
 * bumping the stream row's counter, and on a mismatch returns without rolling back; every multi-stream append here
 * runs in one transaction that a mismatch throws out of, so nothing of a failed append stays.
 */
export class EmmettPeerStore implements EventStore {
  readonly info: StoreInfo;

  private constructor(readonly connection: SQLiteConnection, file: string) {
    this.info = { kind: 'sqlite', location: `emmett-sqlite:${file}` };
  }

  static async open(file: string): Promise<EmmettPeerStore> {
    const connection = sqliteConnection({ fileName: file });
    await connection.command('PRAGMA synchronous = NORMAL');
    await createEventStoreSchema(connection);
    return new EmmettPeerStore(connection, file);
  }

  async appendToStream(streamName: string, events: readonly EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    return (await this.appendToStreams([{ streamName, events, expectedRevision }]))[0];
  }

  async appendToStreams(writes: readonly StreamWrite[]): Promise<AppendResult[]> {
    return this.connection.withTransaction(async () => {
      const results: AppendResult[] = [];
      for (const write of writes) results.push(await this.write(write));
      return results;
    });
  }

  private async write({ streamName, events, expectedRevision }: StreamWrite): Promise<AppendResult> {
    const expectedStreamVersion = expectedRevision === 'no-stream' ? 0n : typeof expectedRevision === 'bigint' ? expectedRevision + 1n : undefined;
    const result = await emmettAppend(this.connection, streamName, streamName.slice(0, streamName.indexOf('-')) || 'stream', events.map((event) => ({
      type: event.type, data: event.data, metadata: { ...event.metadata, messageId: event.id },
    })), { expectedStreamVersion });
    if (!result.success) throw new WrongExpectedRevision(streamName, expectedRevision, 'no-stream');
    return { nextExpectedRevision: result.nextStreamPosition - 1n, position: positionOf(result.lastGlobalPosition) };
  }

  /** Forwards only (all the command handler asks for): the whole stream, or from a revision on. */
  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (options.direction === 'backwards' || options.maxCount !== undefined) throw new Error('not used by the benchmark');
    const { events } = await emmettReadStream(
      this.connection, streamName, options.fromRevision === undefined ? undefined : { from: options.fromRevision + 1n });
    return events.map((event) => {
      const metadata = event.metadata as unknown as JsonObject & { messageId: string; streamPosition: bigint; globalPosition: bigint };
      return {
        id: metadata.messageId, type: event.type, streamName, revision: metadata.streamPosition - 1n,
        position: positionOf(metadata.globalPosition), data: event.data as JsonObject, metadata, created: new Date(0),
      };
    });
  }

  /** Reads the whole log the way its consumers do (pages of `batchSize`, each message's JSON parsed); returns the count. */
  async readEverything(batchSize = 1000): Promise<number> {
    let after = 0n;
    let count = 0;
    for (;;) {
      const batch = await readMessagesBatch(this.connection, { after, batchSize });
      count += batch.messages.length;
      after = batch.currentGlobalPosition;
      if (!batch.areEventsLeft) return count;
    }
  }

  readAll(_options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    throw new Error('not used by the benchmark');
  }

  subscribeToAll(_options: unknown, _handler: BatchHandler): StoreSubscription {
    throw new Error('not used by the benchmark');
  }

  async headPosition(): Promise<GlobalPosition | null> {
    const row = await this.connection.querySingle<{ seq: number | null }>('SELECT max(global_position) AS seq FROM emt_messages');
    return row?.seq ? positionOf(row.seq) : null;
  }

  async ping(): Promise<void> {
    await this.connection.querySingle('SELECT 1');
  }

  async close(): Promise<void> {
    this.connection.close();
  }
}

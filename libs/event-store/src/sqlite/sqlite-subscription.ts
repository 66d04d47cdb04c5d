import type { BatchHandler, RecordedEvent, StoreSubscription, SubscribeToAllOptions } from '../event-store.port';
import type { SqliteConnection } from './sqlite-connection';
import { logRowToRecorded, streamMatcher } from './sqlite-events';
import { PAGE } from './sqlite-reads';
import type { SqliteStatements } from './sqlite-statements';

const DEFAULT_BATCH = 500;

const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** What a subscription needs of the store: its connection and statements, and where to register its wake-up and stop. */
export type SubscriptionHost = {
  readonly connection: SqliteConnection;
  readonly sql: SqliteStatements;
  readonly pollIntervalMs: number;
  /** In-process wake-ups, called after every commit. */
  readonly listeners: Set<() => void>;
  /** Stops of the open subscriptions, called when the store closes. */
  readonly stops: Set<() => void>;
};

/**
 * A catch-up subscription to the log that hands the handler one batch at a time, read only when the previous batch is
 * done. Woken by the store's own commits at once, and by a poll for commits of other processes on the same file.
 */
export const subscribeToAll = (host: SubscriptionHost, options: SubscribeToAllOptions, handler: BatchHandler): StoreSubscription => {
  const { connection, sql } = host;
  const maxBatch = Math.max(1, Math.floor(options.maxBatchSize ?? DEFAULT_BATCH));
  const filtered = options.filter !== undefined;
  const wanted = streamMatcher(options.filter?.streamNamePrefixes);
  let after = options.from === 'start' ? 0 : Number(options.from.commit);
  let closed = false;
  let wake: (() => void) | null = null;
  const poke = () => {
    const resolve = wake;
    wake = null;
    resolve?.();
  };
  // The fallback for commits made by other connections (another process on the same file).
  const timer = setInterval(poke, host.pollIntervalMs);
  timer.unref();
  const stop = () => {
    if (closed) return;
    closed = true;
    clearInterval(timer);
    host.listeners.delete(poke);
    host.stops.delete(stop);
    poke();
  };
  host.listeners.add(poke);
  host.stops.add(stop);

  let handling = false;
  const run = async (): Promise<void> => {
    try {
      await Promise.resolve(); // the handler is never called before subscribeToAll has returned
      while (!closed) {
        connection.ensureOpen();
        // Unfiltered, a page is a batch; filtered, scan a full page and stop at maxBatch matches.
        // Rows are decoded as SQLite steps through them (no array of raw rows); the statement is done, or returned
        // by the break, before the handler runs, so the handler may use the connection.
        const scanned = after;
        const batch: RecordedEvent[] = [];
        for (const row of sql.allForwards.iterate(after + 1, filtered ? Math.max(PAGE, maxBatch) : maxBatch)) {
          after = row.seq;
          if (!wanted(row.stream)) continue;
          batch.push(logRowToRecorded(row));
          if (batch.length === maxBatch) break;
        }
        if (scanned === after) { // nothing new
          await new Promise<void>((resolve) => { wake = resolve; });
          // Woken by a commit: let the commits already under way in this turn of the event loop land first, so a
          // busy server hands them over as one batch (one read-model transaction) rather than one batch each.
          await nextTick();
          continue;
        }
        if (batch.length) {
          handling = true;
          await handler(batch);
          handling = false;
        }
        // A turn for the rest of the process before the next page: reading and handling a backlog (a read side
        // catching up after a start, a rebuild) or a long stretch the filter skips must not starve the event loop,
        // or a server would not even answer /health until it had caught up.
        await nextTick();
      }
    } catch (error) {
      // The handler's failures are its own (a read model's disk, say): only the store's reads are translated.
      throw handling ? error : connection.translate(error);
    } finally {
      stop();
    }
  };
  const done = run();
  return {
    done,
    close: async () => {
      stop();
      await done.catch(() => undefined);
    },
  };
};

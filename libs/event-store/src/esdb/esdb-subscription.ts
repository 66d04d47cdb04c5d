import type { AllStreamResolvedEvent, EventStoreDBClient } from '@eventstore/db-client';
import { START, excludeSystemEvents, streamNameFilter } from '@eventstore/db-client';
import { StoreUnavailable } from '../event-store.errors';
import type { BatchHandler, RecordedEvent, StoreSubscription, SubscribeToAllOptions } from '../event-store.port';
import { toStoreError } from './esdb-errors';
import { acceptsEvent, toRecorded } from './esdb-events';

const DEFAULT_BATCH = 500;
/** Events the client may buffer while the handler runs; beyond it the gRPC stream is paused (HTTP/2 flow control). */
const MAX_BUFFER = 1_000;

/**
 * A catch-up subscription to `$all` that hands the handler one batch at a time: whatever has arrived, up to
 * `maxBatchSize`, read only when the previous batch is done, so a slow handler pauses the server's stream.
 * The server filters on stream name (prefixes never match `$` streams) or excludes system event types; the client
 * filter below removes `$`-typed events in user streams too.
 */
export const subscribeToAll = (
  client: EventStoreDBClient, options: SubscribeToAllOptions, handler: BatchHandler,
): StoreSubscription => {
  const maxBatch = Math.max(1, options.maxBatchSize ?? DEFAULT_BATCH);
  const prefixes = options.filter?.streamNamePrefixes;
  const accept = acceptsEvent(options.filter);
  const stream = client.subscribeToAll(
    {
      fromPosition: options.from === 'start' ? START : { commit: options.from.commit, prepare: options.from.prepare },
      filter: prefixes?.length ? streamNameFilter({ prefixes: [...prefixes] }) : excludeSystemEvents(),
    },
    { highWaterMark: Math.min(maxBatch, MAX_BUFFER) },
  );

  let closing = false;
  let ended = false;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const signal = () => wake?.();
  stream.on('readable', signal);
  stream.on('end', () => {
    ended = true;
    signal();
  });
  stream.on('close', () => {
    ended = true;
    signal();
  });
  stream.on('error', (error) => {
    failure ??= error;
    signal();
  });

  const nextBatch = (): RecordedEvent[] => {
    const batch: RecordedEvent[] = [];
    while (batch.length < maxBatch) {
      const resolved = stream.read() as AllStreamResolvedEvent | null;
      if (resolved === null) break;
      if (resolved.event && accept(resolved.event)) batch.push(toRecorded(resolved.event));
    }
    return batch;
  };

  const run = async (): Promise<void> => {
    for (;;) {
      if (closing) return;
      const batch = nextBatch();
      if (batch.length) {
        await handler(batch);
        continue;
      }
      if (closing) return;
      if (failure) throw toStoreError(failure, 'the subscription');
      if (ended) throw new StoreUnavailable('EventStoreDB ended the subscription');
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = null;
    }
  };

  const done = run().catch(async (error: unknown) => {
    if (closing) return;
    closing = true;
    await stream.unsubscribe().catch(() => undefined);
    throw error;
  });
  done.catch(() => undefined);

  return {
    done,
    async close() {
      if (!closing) {
        closing = true;
        await stream.unsubscribe().catch(() => undefined);
        signal();
      }
      await done.catch(() => undefined);
    },
  };
};

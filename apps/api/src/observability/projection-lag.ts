import type { EventStore, GlobalPosition } from '@chip-ledger/event-store';
import { comparePositions } from '@chip-ledger/event-store';
import { LEDGER_STREAM_FILTER } from '@chip-ledger/projections';

export type ProjectionLag = {
  /** The read models' checkpoint (its commit position), 0 before the first event. */
  readonly position: number;
  /** Ledger events after the checkpoint, counted up to LAG_COUNT_LIMIT. */
  readonly events: number;
  /** How long ago the oldest of them was written: how stale a read can be. 0 when caught up. */
  readonly seconds: number;
};

/**
 * Counting is reading: past this many, the count stops (a scrape must stay cheap however far behind the read side
 * is, e.g. during a rebuild). The age of the oldest unapplied event still tells how far behind it is.
 */
export const LAG_COUNT_LIMIT = 10_000;

/**
 * How far the read models trail the log, from what the store holds after their checkpoint. Store positions are not
 * dense (EventStoreDB's are byte offsets), so events are counted, not subtracted.
 */
export const measureProjectionLag = async (
  store: EventStore, checkpoint: GlobalPosition | null, now: Date, limit = LAG_COUNT_LIMIT,
): Promise<ProjectionLag> => {
  let events = 0;
  let oldest: Date | null = null;
  const after = store.readAll({ fromPosition: checkpoint ?? undefined, maxCount: limit + 1, filter: LEDGER_STREAM_FILTER });
  for await (const event of after) {
    // fromPosition is inclusive: the checkpoint's own event is already applied.
    if (checkpoint && comparePositions(event.position, checkpoint) <= 0) continue;
    oldest ??= event.created;
    if (++events >= limit) break;
  }
  return {
    position: checkpoint ? Number(checkpoint.commit) : 0,
    events,
    seconds: oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0,
  };
};

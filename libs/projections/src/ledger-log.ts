import { STREAM_CATEGORIES } from '@chip-ledger/domain';
import type { EventFilter, EventStore, GlobalPosition } from '@chip-ledger/event-store';

/** The streams the read models are built from: assets, parties, facilities. */
export const LEDGER_STREAM_FILTER: EventFilter = { streamNamePrefixes: STREAM_CATEGORIES.map((category) => `${category}-`) };

/**
 * The last ledger event in the log: where the read side is headed (the log's very head may be an event of another
 * stream, e.g. a system event on EventStoreDB, that the read models never apply). Null when there is none.
 */
export const latestLedgerPosition = async (store: EventStore): Promise<GlobalPosition | null> => {
  for await (const event of store.readAll({ direction: 'backwards', maxCount: 1, filter: LEDGER_STREAM_FILTER })) return event.position;
  return null;
};

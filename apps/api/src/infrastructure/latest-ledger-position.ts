import { STREAM_CATEGORIES } from '@chip-ledger/domain';
import type { EventFilter, EventStore, GlobalPosition } from '@chip-ledger/event-store';

export const LEDGER_EVENTS: EventFilter = { streamNamePrefixes: STREAM_CATEGORIES.map((category) => `${category}-`) };

/** The last ledger event in the log: the read side's target (the log's very head may be a system event). */
export const latestLedgerPosition = async (store: EventStore): Promise<GlobalPosition | null> => {
  for await (const event of store.readAll({ direction: 'backwards', maxCount: 1, filter: LEDGER_EVENTS })) return event.position;
  return null;
};

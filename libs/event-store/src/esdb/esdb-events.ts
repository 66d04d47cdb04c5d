import type { AppendExpectedRevision, EventData, EventType, Position, RecordedEvent as ClientRecordedEvent } from '@eventstore/db-client';
import { ANY, NO_STREAM, STREAM_EXISTS, jsonEvent } from '@eventstore/db-client';
import type { EventFilter, EventToAppend, ExpectedRevision, GlobalPosition, JsonObject, RecordedEvent } from '../event-store.port';

export const toClientRevision = (expected: ExpectedRevision): AppendExpectedRevision => {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no-stream':
      return NO_STREAM;
    case 'exists':
      return STREAM_EXISTS;
    default:
      return expected;
  }
};

export const toEventData = ({ id, type, data, metadata }: EventToAppend): EventData =>
  jsonEvent({ id, type, data: { ...data }, metadata: { ...metadata } });

export const toPosition = (position: Position): GlobalPosition => ({ commit: position.commit, prepare: position.prepare });

const asJsonObject = (value: unknown): JsonObject => {
  if (value instanceof Uint8Array) {
    if (!value.length) return {};
    try {
      return asJsonObject(JSON.parse(Buffer.from(value).toString('utf8')));
    } catch {
      return {};
    }
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
};

export const toRecorded = (event: ClientRecordedEvent<EventType>): RecordedEvent => ({
  id: event.id,
  type: event.type,
  streamName: event.streamId,
  revision: event.revision,
  // Servers before 24.x do not know an event's log position on a stream read and report 2^64-1 for both.
  position: event.position ? toPosition(event.position) : { commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n },
  data: asJsonObject(event.data),
  metadata: asJsonObject(event.metadata),
  created: event.created,
});

/** System events (`$`-prefixed types: stats, epochs, links, tombstones) never reach the ledger. */
export const isSystemEvent = (event: { readonly type: string }): boolean => event.type.startsWith('$');

export const acceptsEvent = (filter: EventFilter | undefined) => {
  const prefixes = filter?.streamNamePrefixes;
  return (event: { readonly type: string; readonly streamId: string }): boolean =>
    !isSystemEvent(event) && (!prefixes || prefixes.some((prefix) => event.streamId.startsWith(prefix)));
};

export const samePosition = (a: GlobalPosition, b: GlobalPosition): boolean => a.commit === b.commit && a.prepare === b.prepare;

/** The connection string as it may be shown: user name and password removed. */
export const redactConnectionString = (connectionString: string): string =>
  connectionString.replace(/^([a-z+]+:\/\/)[^@/?]*@/i, '$1');

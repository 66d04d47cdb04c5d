import { parse as parseUuid, v5 as uuidv5 } from 'uuid';

/**
 * Metadata stored with every ledger event. `occurredAt` is business time as reported; `recordedAt` is ledger time.
 * Keeping both answers "where was it at T" and "what did the ledger know at T".
 */
export type EventMetadata = {
  readonly occurredAt: string;
  readonly recordedAt: string;
  /** The party on whose behalf the command ran. */
  readonly actor: string;
  readonly commandId: string;
  readonly correlationId: string;
  readonly causationId: string;
  readonly schemaVersion: number;
};

const LEDGER_NAMESPACE = '3f1c1a52-8a2b-4f57-9a51-5a8f6c2e7d10';
/** Parsed once: uuid would parse (and validate) the namespace string on every call. */
const LEDGER_NAMESPACE_BYTES = parseUuid(LEDGER_NAMESPACE);

/**
 * Event ids are a function of the command and the event's place in its result, so a retried command produces the
 * same ids and the store drops the second copy.
 */
export const deterministicEventId = (commandId: string, streamName: string, index: number): string =>
  uuidv5(`${commandId}\u0000${streamName}\u0000${index}`, LEDGER_NAMESPACE_BYTES);

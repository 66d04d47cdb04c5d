import { hash } from 'node:crypto';
import { parse as parseUuid } from 'uuid';

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
const LEDGER_NAMESPACE_BYTES = Buffer.from(parseUuid(LEDGER_NAMESPACE));
/** The variant nibble (10xx) of a v5 UUID, by the nibble the hash put there. */
const VARIANT = '89ab89ab89ab89ab';

/**
 * Event ids are a function of the command and the event's place in its result, so a retried command produces the
 * same ids and the store drops the second copy: the UUID v5 (RFC 9562) of `commandId NUL streamName NUL index` in the
 * ledger's namespace. Computed with node:crypto's one-shot hash rather than uuid's v5, which gives the same ids
 * (event-envelope.spec.ts holds them equal) but builds a Hash object per id: two ids per command made it ~5% of the
 * command path's CPU, twice what this takes.
 */
export const deterministicEventId = (commandId: string, streamName: string, index: number): string => {
  const name = `${commandId}\u0000${streamName}\u0000${index}`;
  const input = Buffer.allocUnsafe(16 + Buffer.byteLength(name, 'utf8'));
  LEDGER_NAMESPACE_BYTES.copy(input, 0);
  input.write(name, 16, 'utf8');
  const hex = hash('sha1', input, 'hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${VARIANT[Number.parseInt(hex[16], 16)]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

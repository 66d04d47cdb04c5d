import type { EventToAppend, ExpectedRevision, JsonObject, RecordedEvent, StreamWrite } from './event-store.port';

/**
 * Multi-stream commands (docs/adr/0001-multi-stream-commands.md): the events on streams other than the command's
 * target are claims, written first; the event on the target stream, written last, is the commit. A claim's metadata
 * names the commit's stream (`commitStream`) and the stream of the command's first claim (`planStream`), whose
 * metadata also carries every write of the command (`plan`), so that anyone can finish or undo it.
 */
export const CLAIM_RELEASED = 'ClaimReleased';

type PlannedWrite = {
  readonly streamName: string;
  readonly expectedRevision: string;
  readonly events: readonly EventToAppend[];
};

export type CommandPlan = { readonly commandId: string; readonly commitStream: string; readonly writes: readonly StreamWrite[] };

const encodeRevision = (revision: ExpectedRevision): string => (typeof revision === 'bigint' ? revision.toString() : revision);
const decodeRevision = (revision: string): ExpectedRevision =>
  revision === 'any' || revision === 'no-stream' || revision === 'exists' ? revision : BigInt(revision);

export const commitStreamOf = (event: { readonly metadata: JsonObject; readonly streamName: string }): string | null => {
  const commitStream = event.metadata.commitStream;
  return typeof commitStream === 'string' && commitStream !== event.streamName ? commitStream : null;
};

export const commandIdOf = (event: { readonly metadata: JsonObject }): string | null =>
  typeof event.metadata.commandId === 'string' ? event.metadata.commandId : null;

/**
 * Marks the writes of a command that touches several streams: claims first (as given), the commit last. A command that
 * writes one stream, or whose decision writes nothing on its target (finishing a history written before claims),
 * is returned as it is.
 */
export const withClaims = (commandId: string, commitStream: string, writes: readonly StreamWrite[]): StreamWrite[] => {
  const claims = writes.filter((write) => write.streamName !== commitStream);
  const commit = writes.find((write) => write.streamName === commitStream);
  if (!claims.length || !commit) return [...writes];
  const planStream = claims[0].streamName;
  const marked = claims.map((write) => ({
    ...write,
    events: write.events.map((event) => ({ ...event, metadata: { ...event.metadata, commitStream, planStream } })),
  }));
  const plan = [...marked, commit].map((write): PlannedWrite => ({
    streamName: write.streamName, expectedRevision: encodeRevision(write.expectedRevision), events: write.events,
  }));
  const [first, ...rest] = marked;
  const [firstEvent, ...otherEvents] = first.events;
  const carrying = { ...first, events: [{ ...firstEvent, metadata: { ...firstEvent.metadata, plan } }, ...otherEvents] };
  return [carrying, ...rest, commit];
};

/** The plan carried by the first claim of `commandId` in `events` (the plan stream), if any. */
export const planIn = (commandId: string, commitStream: string, events: readonly RecordedEvent[]): CommandPlan | null => {
  for (const event of events) {
    if (commandIdOf(event) !== commandId || !Array.isArray(event.metadata.plan)) continue;
    const writes = (event.metadata.plan as PlannedWrite[]).map((write): StreamWrite => ({
      streamName: write.streamName, expectedRevision: decodeRevision(write.expectedRevision), events: write.events,
    }));
    return { commandId, commitStream, writes };
  }
  return null;
};

/**
 * The claim that ends a stream, if it does. Only the last command's claims on a stream can be unsettled: nothing is
 * written to a stream (claims of another command included) before the claims that end it are settled.
 */
export const trailingClaim = (events: readonly RecordedEvent[]): RecordedEvent | null => {
  const last = events.at(-1);
  return last && commitStreamOf(last) !== null ? last : null;
};

/** The stream as readers fold it: without released claims and without the releases. */
export const withoutReleasedClaims = (events: readonly RecordedEvent[]): readonly RecordedEvent[] => {
  if (!events.some((event) => event.type === CLAIM_RELEASED)) return events;
  const released = new Set(events.filter((event) => event.type === CLAIM_RELEASED).map((event) => event.data.commandId));
  return events.filter((event) =>
    event.type !== CLAIM_RELEASED && !(commitStreamOf(event) !== null && released.has(commandIdOf(event))));
};

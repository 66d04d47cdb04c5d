import type { EventStore, RecordedEvent } from '@chip-ledger/event-store';

export type LoadedStream = { readonly events: readonly RecordedEvent[]; readonly revision: bigint | null };

/** Reads each stream at most once per attempt, so every state in a decision comes from the same read. */
export class StreamReader {
  private readonly streams = new Map<string, Promise<LoadedStream>>();

  constructor(private readonly store: EventStore) {}

  read(streamName: string): Promise<LoadedStream> {
    let loaded = this.streams.get(streamName);
    if (!loaded) {
      loaded = this.store.readStream(streamName).then((events) => ({ events, revision: events.at(-1)?.revision ?? null }));
      this.streams.set(streamName, loaded);
    }
    return loaded;
  }

  async state<S, E>(streamName: string, evolve: (state: S, event: E) => S, initial: S): Promise<S> {
    const { events } = await this.read(streamName);
    return events.reduce((state, event) => evolve(state, { type: event.type, data: event.data } as E), initial);
  }

  /** The revision read, for the expected revision of a write; undefined if the stream was never read. */
  async revisionOf(streamName: string): Promise<bigint | null | undefined> {
    const loaded = this.streams.get(streamName);
    return loaded ? (await loaded).revision : undefined;
  }
}

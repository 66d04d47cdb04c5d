import type { EventStore, RecordedEvent } from '@chip-ledger/event-store';
import { CLAIM_RELEASED, withoutReleasedClaims } from '@chip-ledger/event-store';

export type LoadedStream = { readonly events: readonly RecordedEvent[]; readonly revision: bigint | null };

type Evolve<S, E> = (state: S, event: E, occurredAt: string) => S;
/** A kept stream's state as folded by `evolve` over its first `count` events, the last of which is `through`. */
type Fold = { readonly evolve: unknown; readonly count: number; readonly through: RecordedEvent; readonly state: unknown };

/**
 * Events the command handler keeps between commands. A kept event costs ~0.7 KB of live heap, and V8 lets a busy
 * server's heap grow to about four times what is live before it collects (measured under sustained HTTP writes: 48 MB
 * live in a 197 MB heap), so 50,000 kept events come to roughly 150 MB of RSS (estimated). Commands on an asset come close together (a rack's
 * lifecycle; the bench's command path); 10,000 events keep those hits. Spread over many assets, no bound short of
 * the whole ledger would hit anyway.
 */
export const DEFAULT_CACHED_EVENTS = 10_000;

/**
 * Streams read by earlier commands, kept so a later read fetches only what was appended since. Sound because a
 * stream's events never change once written: the cached prefix plus the events after its last revision is the whole
 * stream, whoever wrote them (another process included). Bounded by the number of events held, least recently used
 * out first. Reading whole streams was 46% of the command path's time (bench: 37k reads of 2.8 rows for 12k commands).
 */
export class StreamCache {
  private readonly entries = new Map<string, LoadedStream>();
  private readonly folds = new Map<string, Fold>();
  private held = 0;

  constructor(private readonly maxEvents = DEFAULT_CACHED_EVENTS) {}

  get(streamName: string): LoadedStream | undefined {
    const entry = this.entries.get(streamName);
    if (entry) {
      this.entries.delete(streamName);
      this.entries.set(streamName, entry);
    }
    return entry;
  }

  /** Keeps `loaded` unless a longer copy of the stream is already held. Empty (missing) streams are not kept. */
  set(streamName: string, loaded: LoadedStream): void {
    if (loaded.revision === null || loaded.events.length > this.maxEvents) return;
    const current = this.entries.get(streamName);
    if (current) {
      if (current.revision !== null && current.revision >= loaded.revision) return;
      this.entries.delete(streamName);
      this.held -= current.events.length;
    }
    this.entries.set(streamName, loaded);
    this.held += loaded.events.length;
    for (const [name, entry] of this.entries) {
      if (this.held <= this.maxEvents) break;
      this.entries.delete(name);
      this.folds.delete(name);
      this.held -= entry.events.length;
    }
  }

  /**
   * The state `evolve` folded over a prefix of `events` (a kept stream's events are never rewritten: an event at the
   * same index is the same object only if the stream read is the one folded or a continuation of it).
   */
  foldOf<S, E>(streamName: string, evolve: Evolve<S, E>, events: readonly RecordedEvent[]): { readonly count: number; readonly state: S } | undefined {
    const fold = this.folds.get(streamName);
    if (!fold || fold.evolve !== evolve || fold.count > events.length) return undefined;
    return events[fold.count - 1] === fold.through ? { count: fold.count, state: fold.state as S } : undefined;
  }

  /** Keeps the state folded over all of `events`, while the stream itself is kept. */
  keepFold<S, E>(streamName: string, evolve: Evolve<S, E>, events: readonly RecordedEvent[], state: S): void {
    const through = events.at(-1);
    if (!through || !this.entries.has(streamName)) return;
    this.folds.set(streamName, { evolve, count: events.length, through, state });
  }
}

const occurredAtOf = (event: RecordedEvent): string =>
  typeof event.metadata.occurredAt === 'string' ? event.metadata.occurredAt : event.created.toISOString();

/** Reads each stream at most once per attempt, so every state in a decision comes from the same read. */
export class StreamReader {
  private readonly streams = new Map<string, Promise<LoadedStream>>();

  constructor(private readonly store: EventStore, private readonly cache?: StreamCache) {}

  read(streamName: string): Promise<LoadedStream> {
    let loaded = this.streams.get(streamName);
    if (!loaded) {
      loaded = this.load(streamName);
      this.streams.set(streamName, loaded);
    }
    return loaded;
  }

  private async load(streamName: string): Promise<LoadedStream> {
    const cached = this.cache?.get(streamName);
    if (cached && cached.revision !== null) {
      const newer = await this.store.readStream(streamName, { fromRevision: cached.revision + 1n });
      if (!newer.length) return cached;
      if (newer[0].revision === cached.revision + 1n) {
        return this.keep(streamName, { events: [...cached.events, ...newer], revision: newer[newer.length - 1].revision });
      }
    }
    const events = await this.store.readStream(streamName);
    return this.keep(streamName, { events, revision: events.at(-1)?.revision ?? null });
  }

  private keep(streamName: string, loaded: LoadedStream): LoadedStream {
    this.cache?.set(streamName, loaded);
    return loaded;
  }

  /**
   * The stream's state; `evolve` also gets each event's business time (its envelope's occurredAt). Claims of
   * multi-stream commands that were released are left out, as if never written.
   */
  async state<S, E>(streamName: string, evolve: Evolve<S, E>, initial: S): Promise<S> {
    const { events } = await this.read(streamName);
    const fold = (state: S, from: number, folded: readonly RecordedEvent[]): S => {
      for (let i = from; i < folded.length; i++) {
        state = evolve(state, { type: folded[i].type, data: folded[i].data } as E, occurredAtOf(folded[i]));
      }
      return state;
    };
    // A release takes back claims written before it: such a stream is folded whole (rare: interrupted commands only).
    if (!this.cache || events.some((event) => event.type === CLAIM_RELEASED)) return fold(initial, 0, withoutReleasedClaims(events));
    // The decisions of one asset's lifecycle fold the same streams (the asset, its containers) command after command:
    // each is folded on from where the last command left it (folding was a tenth of the command path's time).
    const kept = this.cache.foldOf(streamName, evolve, events);
    const state = kept ? fold(kept.state, kept.count, events) : fold(initial, 0, events);
    this.cache.keepFold(streamName, evolve, events, state);
    return state;
  }

  /** The revision read, for the expected revision of a write; undefined if the stream was never read. */
  async revisionOf(streamName: string): Promise<bigint | null | undefined> {
    const loaded = this.streams.get(streamName);
    return loaded ? (await loaded).revision : undefined;
  }
}

import { assetStream, facilityStream, partyStream } from '../core/stream-names';
import type { ScopeLoaders } from '../asset/asset.scope';
import type { AssetState } from '../asset/asset.state';
import type { FacilityState } from '../facility/facility';
import type { PartyState } from '../party/party';
import type { LedgerCommand } from '../ledger/ledger-command';
import type { LedgerDecision, LedgerEvent, LedgerState, StateOf, StreamCategory } from '../ledger/ledger.decider';
import { categoryOfStream, foldStream, ledgerDecider } from '../ledger/ledger.decider';
import type { DatedEvent, Streams } from './fixtures';

export type { LedgerState };
export type Decision = Readonly<LedgerDecision>;
export type Outcome = { readonly accepted: true; readonly decision: Decision } | { readonly accepted: false; readonly error: unknown };

/** A stream's state folded from scratch (with each event's business time, when `times` has it), as a store read does. */
export const replay = (streamName: string, events: readonly LedgerEvent[], times: readonly (string | undefined)[] = []): LedgerState | undefined => {
  if (!events.length) return undefined;
  const category = categoryOfStream(streamName);
  return foldStream(category, ledgerDecider.initialState[category](), events, times);
};

const isDated = (entry: LedgerEvent | DatedEvent): entry is DatedEvent => 'occurredAt' in entry && 'event' in entry;

/** Frozen states and events make any mutation by decide or evolve throw instead of passing unnoticed. */
const deepFreeze = <T>(value: T): T => {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
};

type StatesByCategory = { readonly [C in StreamCategory]: Map<string, StateOf<C>> };

export type World = {
  readonly streamNames: () => readonly string[];
  readonly events: (streamName: string) => readonly LedgerEvent[];
  /** Each event's business time, where it was given (`dated` histories, `execute`, `append` with a time). */
  readonly times: (streamName: string) => readonly (string | undefined)[];
  readonly state: (streamName: string) => LedgerState | undefined;
  readonly asset: (assetId: string) => AssetState;
  readonly party: (partyId: string) => PartyState;
  readonly facility: (facilityId: string) => FacilityState;
  readonly loaders: ScopeLoaders;
  /** Loads what the command needs (assets through `loadAssetScope`) and decides; writes nothing. */
  readonly decide: (command: LedgerCommand) => Promise<Decision>;
  /** Appends each stream's events and evolves its state, as a store and a read of it would; `occurredAt`: of them all. */
  readonly append: (writes: Streams | Decision, occurredAt?: string) => void;
  /** Decide, then append what was decided; a refusal is returned, not thrown. */
  readonly execute: (command: LedgerCommand) => Promise<Outcome>;
  readonly snapshot: () => Streams;
};

/** An in-memory ledger: stream name to events, with each stream's state kept up to date by evolving it. */
export const createWorld = (...histories: Streams[]): World => {
  const log = new Map<string, LedgerEvent[]>();
  const dates = new Map<string, (string | undefined)[]>();
  const states: StatesByCategory = { asset: new Map(), party: new Map(), facility: new Map() };
  const streamNames = () => [...log.keys()];
  const events = (streamName: string) => log.get(streamName) ?? [];
  const times = (streamName: string) => dates.get(streamName) ?? [];
  const state = (streamName: string): LedgerState | undefined => states[categoryOfStream(streamName)].get(streamName);
  const stateIn = <C extends StreamCategory>(category: C, streamName: string): StateOf<C> =>
    states[category].get(streamName) ?? ledgerDecider.initialState[category]();
  const evolveWith = <C extends StreamCategory>(category: C, streamName: string, event: LedgerEvent, time: string | undefined): void => {
    states[category].set(streamName, deepFreeze(foldStream(category, stateIn(category, streamName), [event], [time])));
  };
  const asset = (assetId: string): AssetState => stateIn('asset', assetStream(assetId));
  const party = (partyId: string): PartyState => stateIn('party', partyStream(partyId));
  const facility = (facilityId: string): FacilityState => stateIn('facility', facilityStream(facilityId));
  const loaders: ScopeLoaders = {
    asset: async (assetId) => asset(assetId),
    facility: async (facilityId) => facility(facilityId),
    party: async (partyId) => party(partyId),
  };

  const append = (writes: Streams | Decision, occurredAt?: string): void => {
    const entries = Array.isArray(writes)
      ? (writes as Decision).map((s) => [s.streamName, s.events] as const)
      : Object.entries(writes as Streams);
    for (const [streamName, written] of entries) {
      if (!written.length) continue;
      const stream = log.get(streamName) ?? [];
      const streamTimes = dates.get(streamName) ?? [];
      log.set(streamName, stream);
      dates.set(streamName, streamTimes);
      for (const entry of written) {
        const [event, time] = isDated(entry) ? [entry.event, entry.occurredAt] : [entry, occurredAt];
        stream.push(deepFreeze(event));
        streamTimes.push(time);
        evolveWith(categoryOfStream(streamName), streamName, event, time);
      }
    }
  };

  const decide = async (command: LedgerCommand): Promise<Decision> =>
    ledgerDecider.decide(command, await ledgerDecider.read(command, loaders));

  const execute = async (command: LedgerCommand): Promise<Outcome> => {
    let decision: Decision;
    try {
      decision = await decide(command);
    } catch (error) {
      return { accepted: false, error };
    }
    append(decision, command.metadata.occurredAt);
    return { accepted: true, decision };
  };

  const snapshot = (): Streams => Object.fromEntries([...log].map(([name, stream]) => [
    name, stream.map((event, index) => {
      const occurredAt = times(name)[index];
      return occurredAt === undefined ? event : { event, occurredAt };
    }),
  ]));

  for (const history of histories) append(history);
  return { streamNames, events, times, state, asset, party, facility, loaders, decide, append, execute, snapshot };
};

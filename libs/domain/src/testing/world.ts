import type { StreamEvents } from '../core/event';
import { assetStream, facilityStream, partyStream } from '../core/stream-names';
import { decideAsset } from '../asset/asset.decider';
import type { AssetEvent } from '../asset/asset.events';
import { evolveAsset, evolveAssetAt } from '../asset/asset.evolve';
import type { ScopeLoaders } from '../asset/asset.scope';
import { loadAssetScope } from '../asset/asset.scope';
import type { AssetState } from '../asset/asset.state';
import { initialAssetState } from '../asset/asset.state';
import type { FacilityEvent, FacilityState } from '../facility/facility';
import { decideFacility, evolveFacility, initialFacilityState } from '../facility/facility';
import type { PartyEvent, PartyState } from '../party/party';
import { decideParty, evolveParty, initialPartyState } from '../party/party';
import type { DatedEvent, LedgerCommand, LedgerEvent, Streams } from './fixtures';

export type LedgerState = AssetState | PartyState | FacilityState;
export type Decision = readonly StreamEvents<LedgerEvent>[];
export type Outcome = { readonly accepted: true; readonly decision: Decision } | { readonly accepted: false; readonly error: unknown };

const categoryOf = (streamName: string): string => streamName.slice(0, streamName.indexOf('-'));

/** With `occurredAt`, asset states keep the business times of their changes (`evolveAssetAt`), as a store read does. */
export const evolveStream = (streamName: string, state: LedgerState | undefined, event: LedgerEvent, occurredAt?: string): LedgerState => {
  switch (categoryOf(streamName)) {
    case 'asset': {
      const asset = (state ?? initialAssetState()) as AssetState;
      return occurredAt === undefined ? evolveAsset(asset, event as AssetEvent) : evolveAssetAt(asset, event as AssetEvent, occurredAt);
    }
    case 'party': return evolveParty((state ?? initialPartyState()) as PartyState, event as PartyEvent);
    case 'facility': return evolveFacility((state ?? initialFacilityState()) as FacilityState, event as FacilityEvent);
    default: throw new Error(`no evolve for stream ${streamName}`);
  }
};

/** A stream's state folded from scratch (with each event's business time, when `times` has it). */
export const replay = (streamName: string, events: readonly LedgerEvent[], times: readonly (string | undefined)[] = []): LedgerState | undefined =>
  events.reduce<LedgerState | undefined>((state, event, index) => evolveStream(streamName, state, event, times[index]), undefined);

const isDated = (entry: LedgerEvent | DatedEvent): entry is DatedEvent => 'occurredAt' in entry && 'event' in entry;

/** Frozen states and events make any mutation by decide or evolve throw instead of passing unnoticed. */
const deepFreeze = <T>(value: T): T => {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
};

const isPartyCommand = (command: LedgerCommand): command is Extract<LedgerCommand, { type: 'RegisterParty' | 'IssueApiKey' | 'RevokeApiKey' }> =>
  command.type === 'RegisterParty' || command.type === 'IssueApiKey' || command.type === 'RevokeApiKey';

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
  const states = new Map<string, LedgerState>();
  const streamNames = () => [...log.keys()];
  const events = (streamName: string) => log.get(streamName) ?? [];
  const times = (streamName: string) => dates.get(streamName) ?? [];
  const state = (streamName: string) => states.get(streamName);
  const asset = (assetId: string) => (states.get(assetStream(assetId)) as AssetState | undefined) ?? initialAssetState();
  const party = (partyId: string) => (states.get(partyStream(partyId)) as PartyState | undefined) ?? initialPartyState();
  const facility = (facilityId: string) =>
    (states.get(facilityStream(facilityId)) as FacilityState | undefined) ?? initialFacilityState();
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
        states.set(streamName, deepFreeze(evolveStream(streamName, states.get(streamName), event, time)));
      }
    }
  };

  const decide = async (command: LedgerCommand): Promise<Decision> => {
    if (command.type === 'RegisterFacility') {
      const { facilityId, operatorId } = command.data;
      return [{ streamName: facilityStream(facilityId), events: decideFacility(command, facility(facilityId), party(operatorId)) }];
    }
    if (isPartyCommand(command)) {
      return [{ streamName: partyStream(command.data.partyId), events: decideParty(command, party(command.data.partyId)) }];
    }
    return decideAsset(command, await loadAssetScope(command, loaders));
  };

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

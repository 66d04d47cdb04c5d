import type { StreamEvents } from '../core/event';
import { assetStream, facilityStream, partyStream } from '../core/stream-names';
import { decideAsset } from '../asset/asset.decider';
import type { AssetEvent } from '../asset/asset.events';
import { evolveAsset } from '../asset/asset.evolve';
import type { ScopeLoaders } from '../asset/asset.scope';
import { loadAssetScope } from '../asset/asset.scope';
import type { AssetState } from '../asset/asset.state';
import { initialAssetState } from '../asset/asset.state';
import type { FacilityEvent, FacilityState } from '../facility/facility';
import { decideFacility, evolveFacility, initialFacilityState } from '../facility/facility';
import type { PartyEvent, PartyState } from '../party/party';
import { decideParty, evolveParty, initialPartyState } from '../party/party';
import type { LedgerCommand, LedgerEvent, Streams } from './fixtures';

export type LedgerState = AssetState | PartyState | FacilityState;
export type Decision = readonly StreamEvents<LedgerEvent>[];
export type Outcome = { readonly accepted: true; readonly decision: Decision } | { readonly accepted: false; readonly error: unknown };

const categoryOf = (streamName: string): string => streamName.slice(0, streamName.indexOf('-'));

export const evolveStream = (streamName: string, state: LedgerState | undefined, event: LedgerEvent): LedgerState => {
  switch (categoryOf(streamName)) {
    case 'asset': return evolveAsset((state ?? initialAssetState()) as AssetState, event as AssetEvent);
    case 'party': return evolveParty((state ?? initialPartyState()) as PartyState, event as PartyEvent);
    case 'facility': return evolveFacility((state ?? initialFacilityState()) as FacilityState, event as FacilityEvent);
    default: throw new Error(`no evolve for stream ${streamName}`);
  }
};

/** A stream's state folded from scratch. */
export const replay = (streamName: string, events: readonly LedgerEvent[]): LedgerState | undefined =>
  events.reduce<LedgerState | undefined>((state, event) => evolveStream(streamName, state, event), undefined);

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
  readonly state: (streamName: string) => LedgerState | undefined;
  readonly asset: (assetId: string) => AssetState;
  readonly party: (partyId: string) => PartyState;
  readonly facility: (facilityId: string) => FacilityState;
  readonly loaders: ScopeLoaders;
  /** Loads what the command needs (assets through `loadAssetScope`) and decides; writes nothing. */
  readonly decide: (command: LedgerCommand) => Promise<Decision>;
  /** Appends each stream's events and evolves its state, as a store and a read of it would. */
  readonly append: (writes: Streams | Decision) => void;
  /** Decide, then append what was decided; a refusal is returned, not thrown. */
  readonly execute: (command: LedgerCommand) => Promise<Outcome>;
  readonly snapshot: () => Streams;
};

/** An in-memory ledger: stream name to events, with each stream's state kept up to date by evolving it. */
export const createWorld = (...histories: Streams[]): World => {
  const log = new Map<string, LedgerEvent[]>();
  const states = new Map<string, LedgerState>();
  const streamNames = () => [...log.keys()];
  const events = (streamName: string) => log.get(streamName) ?? [];
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

  const append = (writes: Streams | Decision): void => {
    const entries = Array.isArray(writes)
      ? (writes as Decision).map((s) => [s.streamName, s.events] as const)
      : Object.entries(writes as Streams);
    for (const [streamName, written] of entries) {
      if (!written.length) continue;
      const stream = log.get(streamName) ?? [];
      log.set(streamName, stream);
      for (const event of written) {
        stream.push(deepFreeze(event));
        states.set(streamName, deepFreeze(evolveStream(streamName, states.get(streamName), event)));
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
    append(decision);
    return { accepted: true, decision };
  };

  const snapshot = (): Streams => Object.fromEntries([...log].map(([name, stream]) => [name, [...stream]]));

  for (const history of histories) append(history);
  return { streamNames, events, state, asset, party, facility, loaders, decide, append, execute, snapshot };
};

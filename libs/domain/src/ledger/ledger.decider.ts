import type { StreamEvents } from '../core/event';
import { assetStream, facilityStream, partyStream } from '../core/stream-names';
import type { AssetCommand } from '../asset/asset.commands';
import { targetAssetId } from '../asset/asset.commands';
import { decideAsset } from '../asset/asset.decider';
import type { AssetEvent } from '../asset/asset.events';
import { ASSET_EVENT_EFFECTS } from '../asset/asset.events';
import { evolveAssetAt } from '../asset/asset.evolve';
import type { AssetScope, ScopeLoaders } from '../asset/asset.scope';
import { loadAssetScope } from '../asset/asset.scope';
import type { AssetState } from '../asset/asset.state';
import { initialAssetState } from '../asset/asset.state';
import type { FacilityCommand, FacilityEvent, FacilityState } from '../facility/facility';
import { decideFacility, evolveFacility, initialFacilityState } from '../facility/facility';
import type { PartyCommand, PartyEvent, PartyState } from '../party/party';
import { decideParty, evolveParty, initialPartyState } from '../party/party';
import type { LedgerCommand } from './ledger-command';

/** The ledger's streams come in three categories (one stream per asset, party, facility), each with its state and events. */
type Categories = {
  asset: { state: AssetState; event: AssetEvent };
  party: { state: PartyState; event: PartyEvent };
  facility: { state: FacilityState; event: FacilityEvent };
};
export type StreamCategory = keyof Categories;
export type StateOf<C extends StreamCategory> = Categories[C]['state'];
export type EventOf<C extends StreamCategory> = Categories[C]['event'];
export type LedgerState = StateOf<StreamCategory>;
export type LedgerEvent = EventOf<StreamCategory>;
/** Events per stream, in writing order; the target stream's are the command's commit (written last by the caller). */
export type LedgerDecision = StreamEvents<LedgerEvent>[];

/**
 * The states a decision reads, loaded before it (`read`) so that `decide` is pure. An asset command reads its asset,
 * the containers around it and what it names (`loadAssetScope`); a party command its party; a facility registration
 * the facility and its operator.
 */
export type LedgerScope =
  | { readonly category: 'asset'; readonly asset: AssetScope }
  | { readonly category: 'party'; readonly party: PartyState }
  | { readonly category: 'facility'; readonly facility: FacilityState; readonly operator: PartyState };

type Evolvers = {
  readonly [C in StreamCategory]: (state: StateOf<C>, event: EventOf<C>, occurredAt?: string) => StateOf<C>;
};
type InitialStates = { readonly [C in StreamCategory]: () => StateOf<C> };

/**
 * The whole ledger as one decider, in the manner of emmett's `Decider` and fmodel's `combine`: the asset, party and
 * facility deciders behind one `decide` and one `evolve`, with what each command reads and where it writes.
 * Callers (the command handler, the in-memory test world, the projection test script) load through their own
 * loaders and never route a command themselves.
 */
export type LedgerDecider = {
  readonly initialState: InitialStates;
  /** Per stream category; `occurredAt` (the event's business time) lets asset states keep their change times. */
  readonly evolve: Evolvers;
  /** The stream a command is addressed to: its events there are written last and mark the command as done. */
  readonly targetStream: (command: LedgerCommand) => string;
  /** Loads what the decision reads through the caller's loaders; every stream it will write is among them. */
  readonly read: (command: LedgerCommand, load: ScopeLoaders) => Promise<LedgerScope>;
  /** Pure: the events per stream, or a typed refusal. An empty decision means the command had already taken effect. */
  readonly decide: (command: LedgerCommand, scope: LedgerScope) => LedgerDecision;
};

const PARTY_COMMANDS = { RegisterParty: true, IssueApiKey: true, RevokeApiKey: true } as const satisfies Record<PartyCommand['type'], true>;
const FACILITY_COMMANDS = { RegisterFacility: true } as const satisfies Record<FacilityCommand['type'], true>;

const isPartyCommand = (command: LedgerCommand): command is PartyCommand => Object.hasOwn(PARTY_COMMANDS, command.type);
const isFacilityCommand = (command: LedgerCommand): command is FacilityCommand => Object.hasOwn(FACILITY_COMMANDS, command.type);

const PARTY_EVENTS = { PartyRegistered: true, ApiKeyIssued: true, ApiKeyRevoked: true } as const satisfies Record<PartyEvent['type'], true>;
const FACILITY_EVENTS = { FacilityRegistered: true } as const satisfies Record<FacilityEvent['type'], true>;

/** The event types of each category; the asset events' effects table already lists every asset event. */
const EVENT_TYPES: { readonly [C in StreamCategory]: Readonly<Record<EventOf<C>['type'], unknown>> } = {
  asset: ASSET_EVENT_EFFECTS, party: PARTY_EVENTS, facility: FACILITY_EVENTS,
};

const isEventOf = <C extends StreamCategory>(category: C, event: LedgerEvent): event is EventOf<C> =>
  Object.hasOwn(EVENT_TYPES[category], event.type);

/** Stream names are built in one place (stream-names.ts): an empty id leaves the category's prefix. */
const STREAM_PREFIXES = { asset: assetStream(''), party: partyStream(''), facility: facilityStream('') } satisfies Record<StreamCategory, string>;

/** The category of a stream named by `assetStream`, `partyStream` or `facilityStream`. */
export const categoryOfStream = (streamName: string): StreamCategory => {
  if (streamName.startsWith(STREAM_PREFIXES.asset)) return 'asset';
  if (streamName.startsWith(STREAM_PREFIXES.party)) return 'party';
  if (streamName.startsWith(STREAM_PREFIXES.facility)) return 'facility';
  throw new Error(`${streamName} is not a ledger stream`);
};

const targetStream = (command: LedgerCommand): string => {
  if (isFacilityCommand(command)) return facilityStream(command.data.facilityId);
  if (isPartyCommand(command)) return partyStream(command.data.partyId);
  return assetStream(targetAssetId(command));
};

const read = async (command: LedgerCommand, load: ScopeLoaders): Promise<LedgerScope> => {
  if (isFacilityCommand(command)) {
    const facility = await load.facility(command.data.facilityId);
    return { category: 'facility', facility, operator: await load.party(command.data.operatorId) };
  }
  if (isPartyCommand(command)) return { category: 'party', party: await load.party(command.data.partyId) };
  return { category: 'asset', asset: await loadAssetScope(command, load) };
};

const scopeMismatch = (command: LedgerCommand, scope: LedgerScope): Error =>
  new Error(`${command.type} cannot be decided on a scope read for ${scope.category} commands`);

const decide = (command: LedgerCommand, scope: LedgerScope): LedgerDecision => {
  if (isFacilityCommand(command)) {
    if (scope.category !== 'facility') throw scopeMismatch(command, scope);
    return [{ streamName: facilityStream(command.data.facilityId), events: decideFacility(command, scope.facility, scope.operator) }];
  }
  if (isPartyCommand(command)) {
    if (scope.category !== 'party') throw scopeMismatch(command, scope);
    return [{ streamName: partyStream(command.data.partyId), events: decideParty(command, scope.party) }];
  }
  const assetCommand: AssetCommand = command;
  if (scope.category !== 'asset') throw scopeMismatch(assetCommand, scope);
  return decideAsset(assetCommand, scope.asset);
};

export const ledgerDecider: LedgerDecider = {
  initialState: { asset: initialAssetState, party: initialPartyState, facility: initialFacilityState },
  evolve: { asset: evolveAssetAt, party: evolveParty, facility: evolveFacility },
  targetStream,
  read,
  decide,
};

/**
 * Folds events of one stream onto `state` (each with its business time, where known). For readers that hold
 * streams of every category as plain events: the in-memory test world.
 */
export const foldStream = <C extends StreamCategory>(
  category: C, state: StateOf<C>, events: readonly LedgerEvent[], times: readonly (string | undefined)[] = [],
): StateOf<C> => events.reduce<StateOf<C>>((current, event, index) => {
  if (!isEventOf(category, event)) throw new Error(`${event.type} is not an event of a ${category} stream`);
  return ledgerDecider.evolve[category](current, event, times[index]);
}, state);

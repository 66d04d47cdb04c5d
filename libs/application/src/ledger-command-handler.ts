import type { FacilityState, LedgerCommand, PartyState, ScopeLoaders } from '@chip-ledger/domain';
import { assetStream, facilityStream, ledgerDecider, partyStream } from '@chip-ledger/domain';
import type { EventMetadata, EventStore, GlobalPosition, RecordedEvent, StreamWrite } from '@chip-ledger/event-store';
import {
  WrongExpectedRevision, commandIdOf, commitStreamOf, deterministicEventId, planIn, trailingClaim, withClaims,
} from '@chip-ledger/event-store';
import { ConcurrencyConflict, StaleRevision } from './application.errors';
import { settleCommand } from './command-settlement';
import { DEFAULT_CACHED_EVENTS, StreamCache, StreamReader } from './stream-reader';

export type CommandOptions = {
  /** The client's If-Match: the target stream's revision it last saw. Without it conflicts are retried here. */
  readonly expectedRevision?: bigint;
};

export type CommandResult = {
  readonly commandId: string;
  readonly streamName: string;
  /** The target stream's revision after the command; null when the command wrote nothing to a missing stream. */
  readonly revision: bigint | null;
  /** Where the command's last event sits in the global log: read models that reached it reflect the command. */
  readonly position: GlobalPosition | null;
  /** Types of the events the command wrote to its target stream. */
  readonly events: readonly string[];
  /** True when the command had already been carried out and nothing new was written. */
  readonly replayed: boolean;
};

const SCHEMA_VERSION = 1;
const MAX_ATTEMPTS = 3;
/** Each settlement finishes or undoes one interrupted command: more in a row than this means something is wrong. */
const MAX_SETTLEMENTS = 8;

/** The attempt met another command's unsettled claims and settled them: it starts again on fresh reads. */
class ClaimsSettled extends Error {}

/**
 * Facilities and parties are registered once and never change in any way an asset decision consults (a facility's
 * operator and country, a party's roles), so their registered states can be kept across commands.
 */
class ReferenceCache {
  private readonly facilities = new Map<string, FacilityState>();
  private readonly parties = new Map<string, PartyState>();

  async facility(id: string, load: () => Promise<FacilityState>): Promise<FacilityState> {
    return this.facilities.get(id) ?? this.keep(this.facilities, id, await load());
  }

  async party(id: string, load: () => Promise<PartyState>): Promise<PartyState> {
    return this.parties.get(id) ?? this.keep(this.parties, id, await load());
  }

  private keep<S extends { exists: boolean }>(cache: Map<string, S>, id: string, state: S): S {
    if (state.exists) cache.set(id, state);
    return state;
  }
}

/** Load, decide, append with the expected revision: the write path shared by the API, the CLI and the benchmark. */
export class LedgerCommandHandler {
  private readonly references = new ReferenceCache();
  private readonly streams: StreamCache;

  /** `cachedEvents`: how many events of recently read streams are kept between commands (0: none). */
  constructor(private readonly store: EventStore, options: { readonly cachedEvents?: number } = {}) {
    this.streams = new StreamCache(options.cachedEvents ?? DEFAULT_CACHED_EVENTS);
  }

  async execute(command: LedgerCommand, options: CommandOptions = {}): Promise<CommandResult> {
    const target = ledgerDecider.targetStream(command);
    let settlements = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(command, target, options);
      } catch (error) {
        if (error instanceof ClaimsSettled && ++settlements <= MAX_SETTLEMENTS) {
          attempt--;
          continue;
        }
        if (!(error instanceof WrongExpectedRevision)) throw error;
        if (options.expectedRevision !== undefined && error.streamName === target) {
          throw new StaleRevision(target, options.expectedRevision, typeof error.actual === 'bigint' ? error.actual : null);
        }
        if (attempt >= MAX_ATTEMPTS) throw new ConcurrencyConflict(error.streamName, attempt);
      }
    }
  }

  private async attempt(command: LedgerCommand, target: string, options: CommandOptions): Promise<CommandResult> {
    const reader = new StreamReader(this.store, this.streams);
    const targetStream = await reader.read(target);
    const earlier = targetStream.events.filter((event) => event.metadata.commandId === command.metadata.commandId);
    if (earlier.length) return replay(command.metadata.commandId, target, earlier);
    if (options.expectedRevision !== undefined && options.expectedRevision !== targetStream.revision) {
      throw new StaleRevision(target, options.expectedRevision, targetStream.revision);
    }
    const decision = ledgerDecider.decide(command, await ledgerDecider.read(command, this.loaders(target, reader)));
    // The target stream goes last: its events mark the command as done, so a retry after an interrupted
    // multi-stream write (EventStoreDB) re-decides and completes the rest instead of answering "done".
    const ordered = [...decision.filter((s) => s.streamName !== target), ...decision.filter((s) => s.streamName === target)];
    const writes = await Promise.all(ordered.filter((s) => s.events.length).map(async (s): Promise<StreamWrite> => {
      const revision = await reader.revisionOf(s.streamName);
      return {
        streamName: s.streamName,
        expectedRevision: revision === undefined ? 'any' : revision === null ? 'no-stream' : revision,
        events: s.events.map((event, index) => ({
          id: deterministicEventId(command.metadata.commandId, s.streamName, index),
          type: event.type,
          data: event.data as Record<string, unknown>,
          metadata: this.metadataFor(command),
        })),
      };
    }));
    const targetWrite = writes.find((w) => w.streamName === target);
    if (!writes.length) {
      return { commandId: command.metadata.commandId, streamName: target, revision: targetStream.revision, position: null, events: [], replayed: false };
    }
    const results = writes.length === 1
      ? [await this.store.appendToStream(writes[0].streamName, writes[0].events, writes[0].expectedRevision)]
      : await this.store.appendToStreams(withClaims(command.metadata.commandId, target, writes));
    const last = results[results.length - 1];
    return {
      commandId: command.metadata.commandId,
      streamName: target,
      revision: targetWrite ? last.nextExpectedRevision : targetStream.revision,
      position: last.position,
      events: targetWrite ? targetWrite.events.map((e) => e.type) : [],
      replayed: false,
    };
  }

  /**
   * Where the decision's states come from: every asset fresh (its trailing claims settled first), registered
   * facilities and parties from the reference cache, but for the command's own target, which it writes at the
   * revision read.
   */
  private loaders(target: string, reader: StreamReader): ScopeLoaders {
    const { evolve, initialState } = ledgerDecider;
    const facility = (id: string): Promise<FacilityState> => reader.state(facilityStream(id), evolve.facility, initialState.facility());
    const party = (id: string): Promise<PartyState> => reader.state(partyStream(id), evolve.party, initialState.party());
    return {
      asset: async (id) => {
        await this.settleTrailingClaims(assetStream(id), reader);
        return reader.state(assetStream(id), evolve.asset, initialState.asset());
      },
      facility: (id) => (facilityStream(id) === target ? facility(id) : this.references.facility(id, () => facility(id))),
      party: (id) => (partyStream(id) === target ? party(id) : this.references.party(id, () => party(id))),
    };
  }

  /**
   * An asset's stream may end with a claim of a multi-stream command whose commit (on another stream) is not written:
   * the command was interrupted, or is being written right now. Deciding on such a state would build on a command
   * that may yet be undone, so it is settled first (finished, or its claims released) and the attempt starts over.
   * Finishing alongside the command's own writer is harmless: the same ids at the same revisions.
   */
  private async settleTrailingClaims(streamName: string, reader: StreamReader): Promise<void> {
    const claim = trailingClaim((await reader.read(streamName)).events);
    const commandId = claim && commandIdOf(claim);
    const commitStream = claim && commitStreamOf(claim);
    if (!claim || commandId === null || commitStream === null) return;
    if ((await reader.read(commitStream)).events.some((event) => commandIdOf(event) === commandId)) return;
    const planStream = typeof claim.metadata.planStream === 'string' ? claim.metadata.planStream : streamName;
    const plan = planIn(commandId, commitStream, (await reader.read(planStream)).events);
    if (!plan) return; // not written by this design (no plan): nothing to settle it from
    await settleCommand(this.store, plan);
    throw new ClaimsSettled();
  }

  private metadataFor(command: LedgerCommand): EventMetadata {
    const { commandId, occurredAt, now, actor, correlationId, causationId } = command.metadata;
    return {
      occurredAt, recordedAt: now, actor: actor.partyId, commandId,
      correlationId: correlationId ?? commandId, causationId: causationId ?? commandId,
      schemaVersion: SCHEMA_VERSION,
    };
  }
}

const replay = (commandId: string, streamName: string, events: readonly RecordedEvent[]): CommandResult => {
  const last = events[events.length - 1];
  return {
    commandId, streamName, revision: last.revision, position: last.position, events: events.map((e) => e.type), replayed: true,
  };
};

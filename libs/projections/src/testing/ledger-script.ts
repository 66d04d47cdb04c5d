import type { Actor, CommandData, LedgerCommandType, Role, ScopeLoaders } from '@chip-ledger/domain';
import { assetStream, facilityStream, ledgerCommand, ledgerDecider, partyStream } from '@chip-ledger/domain';
import type { EventMetadata, EventStore, GlobalPosition, RecordedEvent, StreamWrite } from '@chip-ledger/event-store';
import { deterministicEventId } from '@chip-ledger/event-store';

export type Written = { readonly position: GlobalPosition | null; readonly recordedAt: string; readonly occurredAt: string };

const ADMIN: Actor = { partyId: 'admin', roles: ['admin'] };

/**
 * Test support: writes a realistic history through the real domain (load scope, decide, evolve) into a real store,
 * with the envelope the application writes (deterministic ids, occurredAt/recordedAt, actor, command ids). The target
 * stream is written last, as the application does. Ledger time is a clock that only moves forward.
 */
export class LedgerScript {
  private readonly roles = new Map<string, readonly Role[]>([['admin', ['admin']]]);
  /** Streams read so far: a stream only grows, so the next read fetches what was appended since (as StreamCache). */
  private readonly streams = new Map<string, RecordedEvent[]>();
  private clock: number;
  private commands = 0;

  constructor(readonly store: EventStore, start = '2026-11-01T00:00:00.000Z') {
    this.clock = Date.parse(start);
  }

  /** Registers a party (as the admin) and issues it an API key whose hash is `hash-<partyId>`. */
  async party(partyId: string, roles: Role[], country: string): Promise<Written> {
    this.roles.set(partyId, roles);
    await this.run(ADMIN, 'RegisterParty', { partyId, name: `${partyId} Ltd`, roles, country });
    return this.run(ADMIN, 'IssueApiKey', { partyId, keyId: `key-${partyId}`, secretHash: `hash-${partyId}` });
  }

  async facility(facilityId: string, operatorId: string, country: string, kind: CommandData<'RegisterFacility'>['kind']): Promise<Written> {
    return this.run(ADMIN, 'RegisterFacility', { facilityId, name: `${facilityId} site`, kind, country, operatorId });
  }

  /** Runs `type` as `partyId`; `occurredAt` defaults to the ledger time of the write. */
  as<T extends LedgerCommandType>(
    partyId: string, type: T, data: CommandData<T>, times: { occurredAt?: string; recordedAt?: string } = {},
  ): Promise<Written> {
    const roles = this.roles.get(partyId);
    if (!roles) throw new Error(`unknown party ${partyId} in the script`);
    return this.run({ partyId, roles }, type, data, times);
  }

  private async read(stream: string): Promise<RecordedEvent[]> {
    const known = this.streams.get(stream) ?? [];
    const last = known.at(-1);
    const newer = await this.store.readStream(stream, last ? { fromRevision: last.revision + 1n } : {});
    const events = newer.length ? [...known, ...newer] : known;
    if (events.length) this.streams.set(stream, events);
    return events;
  }

  private tick(occurredAt?: string, recordedAt?: string): string {
    const next = recordedAt ? Date.parse(recordedAt) : Math.max(this.clock + 1000, occurredAt ? Date.parse(occurredAt) : 0);
    this.clock = Math.max(this.clock, next);
    return new Date(next).toISOString();
  }

  private async run<T extends LedgerCommandType>(
    actor: Actor, type: T, data: CommandData<T>, times: { occurredAt?: string; recordedAt?: string } = {},
  ): Promise<Written> {
    const now = this.tick(times.occurredAt, times.recordedAt);
    const occurredAt = times.occurredAt ?? now;
    const commandId = `cmd-${String(++this.commands).padStart(6, '0')}`;
    const command = ledgerCommand(type, data, { now, occurredAt, commandId, actor });
    const revisions = new Map<string, bigint | null>();
    const fold = async <S, E>(stream: string, evolve: (state: S, event: E, occurredAt: string) => S, initial: S): Promise<S> => {
      const events = await this.read(stream);
      revisions.set(stream, events.at(-1)?.revision ?? null);
      return events.reduce((state, event) => evolve(state, { type: event.type, data: event.data } as E, String(event.metadata.occurredAt)), initial);
    };
    const { evolve, initialState } = ledgerDecider;
    const loaders: ScopeLoaders = {
      asset: (id) => fold(assetStream(id), evolve.asset, initialState.asset()),
      facility: (id) => fold(facilityStream(id), evolve.facility, initialState.facility()),
      party: (id) => fold(partyStream(id), evolve.party, initialState.party()),
    };
    const target = ledgerDecider.targetStream(command);
    const decision = ledgerDecider.decide(command, await ledgerDecider.read(command, loaders));
    const metadata: EventMetadata = {
      occurredAt, recordedAt: now, actor: actor.partyId, commandId, correlationId: commandId, causationId: commandId, schemaVersion: 1,
    };
    const ordered = [...decision.filter((s) => s.streamName !== target), ...decision.filter((s) => s.streamName === target)];
    const writes: StreamWrite[] = ordered.filter((s) => s.events.length).map((s) => {
      const revision = revisions.get(s.streamName);
      return {
        streamName: s.streamName,
        expectedRevision: revision === undefined ? 'any' : revision === null ? 'no-stream' : revision,
        events: s.events.map((event, index) => ({
          id: deterministicEventId(commandId, s.streamName, index), type: event.type,
          data: event.data as Record<string, unknown>, metadata,
        })),
      };
    });
    if (!writes.length) return { position: null, recordedAt: now, occurredAt };
    const results = await this.store.appendToStreams(writes);
    return { position: results[results.length - 1].position, recordedAt: now, occurredAt };
  }
}

/** `2026-11-<d>T12:00:00.000Z`: business days of the scenarios. */
export const day = (d: number, hour = 12): string =>
  `2026-11-${String(d).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00.000Z`;

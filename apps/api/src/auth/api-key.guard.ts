import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from '../http/ledger-request';
import type { PartyEvent, PartyState } from '@chip-ledger/domain';
import { evolveParty, initialPartyState, partyStream } from '@chip-ledger/domain';
import { StreamReader } from '@chip-ledger/application';
import type { ActiveApiKey } from '@chip-ledger/projections';
import { EVENT_STORE } from '@chip-ledger/event-store';
import type { EventStore } from '@chip-ledger/event-store';
import { LedgerQueries, LiveReadModels, ProjectionRunner, latestLedgerPosition } from '@chip-ledger/projections';
import { ReadSide } from '../http/read-side';
import { ActiveKeyCache } from './active-key-cache';
import { hashApiKey } from '@chip-ledger/runtime';
import { bearerToken } from './bearer-token';
import { IS_PUBLIC } from './public.decorator';
import { Unauthenticated } from './unauthenticated';

/** A key issued a moment ago may not have reached the read model yet: wait this long for it before refusing. */
const NEW_KEY_WAIT_MS = 1000;
/** Requests that answer from the read models; every other method runs a command, which reads the event store. */
const READS = new Set(['GET', 'HEAD']);

const presentedKey = (request: FastifyRequest): string | undefined => {
  const bearer = bearerToken(request.headers.authorization);
  if (bearer) return bearer;
  const header = request.headers['x-api-key'];
  return Array.isArray(header) ? header[0] : header;
};

/**
 * Every route needs an API key unless marked public; the key's party and roles become the request's actor.
 *
 * Keys are found in the read models (by the hash of their secret). While the read side catches up after a start
 * (ReadSide), those may be far behind, so:
 * - reads wait briefly and then answer 503 `read-model-behind`, like every read;
 * - commands still run: a key the read models know is checked against its party's stream in the event store (the
 *   truth: revoked there means refused, roles as recorded), and a key they do not know yet answers 503 (it may have
 *   been issued in the part of the log not applied yet), never 401.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly lookUp: (secretHash: string) => ActiveApiKey | null;
  /** Whether a route is public, by controller and handler, looked up once: route metadata is fixed once the app is built. */
  private readonly publicRoutes = new WeakMap<object, WeakMap<object, boolean>>();

  constructor(
    private readonly reflector: Reflector,
    queries: LedgerQueries,
    private readonly runner: ProjectionRunner,
    private readonly readModels: LiveReadModels,
    private readonly readSide: ReadSide,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {
    this.lookUp = (secretHash) => queries.findActiveApiKey(secretHash);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.isPublic(context)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const key = presentedKey(request);
    if (!key) throw new Unauthenticated('Send an API key as "Authorization: Bearer <key>" or "X-API-Key: <key>"');
    if (READS.has(request.method) && this.readSide.catchingUp) await this.readSide.requireCaughtUp();
    const hash = hashApiKey(key);
    let found = this.find(hash);
    if (!found) {
      if (this.readSide.catchingUp) {
        await this.readSide.requireCaughtUp();
      } else {
        const head = await latestLedgerPosition(this.store);
        if (head) await this.runner.waitForPosition(head, NEW_KEY_WAIT_MS);
      }
      found = this.find(hash);
    }
    if (found && this.readSide.catchingUp) found = await this.asRecorded(found);
    if (!found) throw new Unauthenticated('Unknown or revoked API key');
    request.actor = { partyId: found.partyId, roles: found.roles };
    return true;
  }

  private isPublic(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    const controller = context.getClass();
    let handlers = this.publicRoutes.get(controller);
    if (!handlers) this.publicRoutes.set(controller, (handlers = new WeakMap()));
    let isPublic = handlers.get(handler);
    if (isPublic === undefined) {
      isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [handler, controller]) === true;
      handlers.set(handler, isPublic);
    }
    return isPublic;
  }

  /** The cache belongs to the generation being served (its triggers are on that file's connection). */
  private find(hash: string): ActiveApiKey | null {
    return ActiveKeyCache.for(this.readModels.db).find(hash, this.lookUp);
  }

  /** The key as its party's stream has it now: null when revoked there, with the roles recorded there. */
  private async asRecorded(key: ActiveApiKey): Promise<ActiveApiKey | null> {
    const party = await new StreamReader(this.store)
      .state<PartyState, PartyEvent>(partyStream(key.partyId), evolveParty, initialPartyState());
    return party.exists && party.activeKeyIds.includes(key.keyId) ? { ...key, roles: [...party.roles] } : null;
  }
}

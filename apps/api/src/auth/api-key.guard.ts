import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Actor } from '@chip-ledger/domain';
import type { ActiveApiKey } from '@chip-ledger/projections';
import { EVENT_STORE } from '@chip-ledger/event-store';
import type { EventStore } from '@chip-ledger/event-store';
import { LedgerQueries, ProjectionRunner, ReadModelDb } from '@chip-ledger/projections';
import { latestLedgerPosition } from '../infrastructure/latest-ledger-position';
import { ActiveKeyCache } from './active-key-cache';
import { hashApiKey } from './api-key-secret';
import { IS_PUBLIC } from './public.decorator';
import { Unauthenticated } from './unauthenticated';

/** A key issued a moment ago may not have reached the read model yet: wait this long for it before refusing. */
const NEW_KEY_WAIT_MS = 1000;

const presentedKey = (request: Request): string | undefined => {
  const authorization = request.headers.authorization;
  if (authorization?.startsWith('Bearer ')) return authorization.slice('Bearer '.length).trim();
  const header = request.headers['x-api-key'];
  return Array.isArray(header) ? header[0] : header;
};

/** Every route needs an API key unless marked public; the key's party and roles become the request's actor. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly keys: ActiveKeyCache;
  private readonly lookUp: (secretHash: string) => ActiveApiKey | null;

  constructor(
    private readonly reflector: Reflector,
    queries: LedgerQueries,
    private readonly runner: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    readModels: ReadModelDb,
  ) {
    this.keys = ActiveKeyCache.for(readModels);
    this.lookUp = (secretHash) => queries.findActiveApiKey(secretHash);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const key = presentedKey(request);
    if (!key) throw new Unauthenticated('Send an API key as "Authorization: Bearer <key>" or "X-API-Key: <key>"');
    const hash = hashApiKey(key);
    let found = this.keys.find(hash, this.lookUp);
    if (!found) {
      const head = await latestLedgerPosition(this.store);
      if (head) await this.runner.waitForPosition(head, NEW_KEY_WAIT_MS);
      found = this.keys.find(hash, this.lookUp);
    }
    if (!found) throw new Unauthenticated('Unknown or revoked API key');
    request.actor = { partyId: found.partyId, roles: found.roles };
    return true;
  }
}

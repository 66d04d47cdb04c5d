import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import request from 'supertest';
import type { Role } from '@chip-ledger/domain';
import { LedgerCommandHandler } from '@chip-ledger/application';
import { ProjectionRunner } from '@chip-ledger/projections';
import type { LedgerConfig } from '@chip-ledger/runtime';
import { AdminBootstrap, BOOTSTRAP_ADMIN_ID, issueApiKey } from '@chip-ledger/runtime';
import { createLedgerApp } from '../../apps/api/src/configure-app';
import { checkedAgainstDocument, servedContract } from './checked-http';

export type TestLedger = {
  readonly app: NestFastifyApplication;
  readonly config: LedgerConfig;
  readonly adminKey: string;
  /** supertest against the running app; every response is checked against the served OpenAPI document. */
  http(): ReturnType<typeof request>;
  post(path: string, key: string, body?: object, headers?: Record<string, string>): request.Test;
  get(path: string, key: string): request.Test;
  registerParty(partyId: string, roles: Role[], country?: string): Promise<string>;
  registerFacility(facilityId: string, operatorId: string, country: string, kind?: string): Promise<void>;
  close(): Promise<void>;
};

/** On a store other runs have used (a real EventStoreDB), the admin exists: a new key for it, as `cli admin-key` does. */
const issueAdminKey = async (app: NestFastifyApplication): Promise<string> => {
  const { apiKey, result } = await issueApiKey(app.get(LedgerCommandHandler), BOOTSTRAP_ADMIN_ID);
  if (result.position && !(await app.get(ProjectionRunner).waitForPosition(result.position, 30_000))) {
    throw new Error('the read side did not get the new admin key');
  }
  return apiKey;
};

export type TestLedgerOptions = Partial<LedgerConfig> & {
  /** The store may hold earlier runs' events (a real EventStoreDB), so an admin that already exists gets a new key. */
  sharedStore?: boolean;
  /** Where the JSON log goes (standard output otherwise, at level `error` unless `logLevel` says more). */
  logDestination?: DestinationStream;
};

/**
 * The server users run (same module, pipes, filters, body limit), on a fresh data directory, through HTTP in process.
 * With `eventStoreConnectionString` it runs on EventStoreDB instead of the embedded store.
 */
export const startTestLedger = async ({ sharedStore = false, logDestination, ...options }: TestLedgerOptions = {}): Promise<TestLedger> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'chip-ledger-e2e-'));
  const config: LedgerConfig = {
    port: 0, dataDir, eventStoreConnectionString: undefined, readWaitMs: 5000, bodyLimit: '64kb',
    logLevel: 'error', metricsToken: undefined, ...options,
  };
  const app = await createLedgerApp(config, { logDestination, logger: ['error'] });
  await app.init();
  // supertest listens on the raw server itself: Fastify must have loaded its plugins and routes first.
  await app.getHttpAdapter().getInstance().ready();
  let adminKey: string | null;
  try {
    adminKey = (await app.get(AdminBootstrap).ensureAdmin(() => undefined)) ?? (sharedStore ? await issueAdminKey(app) : null);
    if (!adminKey) throw new Error('a fresh ledger must issue an admin key');
  } catch (error) {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const server = app.getHttpServer();
  const contract = await servedContract(server);
  const http = () => checkedAgainstDocument(request(server), contract);
  const auth = (key: string) => ({ Authorization: `Bearer ${key}` });
  const ledger: TestLedger = {
    app, config, adminKey,
    http,
    post: (path, key, body = {}, headers = {}) => http().post(path).set({ ...auth(key), ...headers }).send(body),
    get: (path, key) => http().get(path).set(auth(key)),
    async registerParty(partyId, roles, country = 'US') {
      await ledger.post('/parties', adminKey, { partyId, name: `${partyId} Inc.`, roles, country }).expect(201);
      const issued = await ledger.post(`/parties/${partyId}/api-keys`, adminKey).expect(201);
      return issued.body.apiKey as string;
    },
    async registerFacility(facilityId, operatorId, country, kind = 'warehouse') {
      await ledger.post('/facilities', adminKey, { facilityId, name: facilityId, kind, country, operatorId }).expect(201);
    },
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return ledger;
};

import { openEsdbEventStore } from '@chip-ledger/event-store';
import type { EsdbTestServer } from '../esdb/esdb-test-server';
import { startEsdbTestServer } from '../esdb/esdb-test-server';
import { describeEventStoreConformance } from './conformance';

/** One in-process EventStoreDB for this file, stopped after the suite (after the store has closed its client). */
let server: EsdbTestServer | undefined;
afterAll(async () => {
  await server?.stop();
});

describeEventStoreConformance(
  'EventStoreDB adapter over gRPC to the test server',
  async () => {
    server ??= await startEsdbTestServer();
    const store = openEsdbEventStore({ connectionString: server.connectionString });
    return { store, close: () => store.close() };
  },
  { atomicMultiStreamAppend: false },
);

const realServer = process.env.EVENTSTORE_CONNECTION_STRING;
const conformanceOnRealServer = (connectionString: string): void =>
  describeEventStoreConformance(
    `EventStoreDB adapter against ${connectionString.replace(/\/\/[^@/]*@/, '//')}`,
    async () => {
      const store = openEsdbEventStore({ connectionString });
      return { store, close: () => store.close() };
    },
    { atomicMultiStreamAppend: false },
  );
if (realServer) conformanceOnRealServer(realServer);
// Skipped, the real tests are listed as skipped by name (their hooks never run, so no connection string is needed).
else describe.skip('a real EventStoreDB (set EVENTSTORE_CONNECTION_STRING to run against a real server)', () => conformanceOnRealServer(''));

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
if (realServer) {
  describeEventStoreConformance(
    `EventStoreDB adapter against ${realServer.replace(/\/\/[^@/]*@/, '//')}`,
    async () => {
      const store = openEsdbEventStore({ connectionString: realServer });
      return { store, close: () => store.close() };
    },
    { atomicMultiStreamAppend: false },
  );
} else {
  describe.skip('EventStore conformance: a real EventStoreDB (set EVENTSTORE_CONNECTION_STRING to run against a real server)', () => {
    it('runs the same suite against the server named by EVENTSTORE_CONNECTION_STRING', () => undefined);
  });
}

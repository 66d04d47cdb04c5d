import { EVENT_STORE } from '@chip-ledger/event-store';
import type { EventStore, StoreInfo } from '@chip-ledger/event-store';
import type { EsdbTestServer, EsdbTestServerOptions } from '../esdb/esdb-test-server';
import { startEsdbTestServer } from '../esdb/esdb-test-server';
import type { TestLedger, TestLedgerOptions } from './ledger-test-app';
import { startTestLedger } from './ledger-test-app';

/** One store the HTTP suites run on, for the duration of one `describe`. */
export type StoreUnderTest = {
  readonly kind: StoreInfo['kind'];
  /** The real API on this store (a fresh data directory; with EventStoreDB, this describe's test server). */
  start(options?: Omit<TestLedgerOptions, 'sharedStore' | 'eventStoreConnectionString'>): Promise<TestLedger>;
  /** The in-process EventStoreDB behind it (started by the first `start`), or null on the embedded store. */
  readonly server: EsdbTestServer | null;
};

type Target = {
  readonly label: string;
  readonly kind: StoreInfo['kind'];
  readonly serverOptions?: EsdbTestServerOptions;
};

/**
 * The stores every HTTP suite runs on: the embedded store, and the EventStoreDB adapter over real gRPC to the
 * in-process test server. Never a real EventStoreDB, whatever the environment says: the suites use fixed ids, which
 * a shared, persistent database would already hold (test/esdb-e2e/real-server.e2e-spec.ts is the HTTP check that
 * runs against the server named by EVENTSTORE_CONNECTION_STRING).
 */
const TARGETS: readonly Target[] = [
  { label: 'the embedded store', kind: 'sqlite' },
  { label: 'EventStoreDB (adapter over gRPC to the test server)', kind: 'eventstoredb' },
];

const open = (target: Target): StoreUnderTest & { dispose(): Promise<void> } => {
  let server: EsdbTestServer | null = null;
  const running = new Set<TestLedger>();
  return {
    kind: target.kind,
    get server() {
      return server;
    },
    async start(options = {}) {
      let eventStoreConnectionString: string | undefined;
      if (target.kind === 'eventstoredb') {
        server ??= await startEsdbTestServer(target.serverOptions);
        eventStoreConnectionString = server.connectionString;
      }
      const ledger = await startTestLedger({ ...options, eventStoreConnectionString });
      const { info } = ledger.app.get<EventStore>(EVENT_STORE);
      const expected = eventStoreConnectionString ?? info.location;
      if (info.kind !== target.kind || info.location !== expected) {
        await ledger.close();
        throw new Error(`the API runs on ${info.kind} at ${info.location}, not on ${target.label} (${expected})`);
      }
      // Closed once, whether by the suite or by dispose().
      let closing: Promise<void> | null = null;
      const tracked: TestLedger = {
        ...ledger,
        close: () => {
          running.delete(tracked);
          closing ??= ledger.close();
          return closing;
        },
      };
      running.add(tracked);
      return tracked;
    },
    async dispose() {
      // The API's client goes first: a server stopped under open calls waits for them.
      for (const ledger of [...running]) await ledger.close();
      await server?.stop();
      server = null;
    },
  };
};

/**
 * `describe`s `body` once per store (see TARGETS). Each gets a StoreUnderTest whose `start()` boots the API on it;
 * a test server is started once per describe, and stopped after the body's own afterAll hooks (declared first).
 */
export const describeOnEachStore = (title: string, body: (store: StoreUnderTest) => void): void => {
  describe.each(TARGETS)(`${title}, on $label`, (target) => {
    const store = open(target);
    body(store);
    afterAll(() => store.dispose());
  });
};

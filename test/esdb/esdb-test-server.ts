import * as grpc from '@grpc/grpc-js';
import type { AddressInfo, Socket } from 'node:net';
import { createServer } from 'node:net';
import type { IServerFeaturesServer } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { EsdbFaults } from './esdb-faults';
import { FollowerView } from './esdb-follower-view';
import type { EsdbLogOptions, LogView, StoredEvent } from './esdb-log';
import { EsdbLog } from './esdb-log';
import type { LiveCall, StreamsServiceContext } from './esdb-streams-service';
import { streamsService } from './esdb-streams-service';

/**
 * An in-process EventStoreDB for tests only: the Streams and ServerFeatures gRPC services the client uses, built on
 * the service definitions `@eventstore/db-client` ships, over an in-memory log. Never an option of the app.
 *
 * As hard as a 24.10 cluster, on command: `faults.failAppends('not-ready' | 'busy' | 'commit-then-timeout', …)`,
 * `startFollower()` (NotLeader for requests that require the leader; `pauseReplication()` for stale reads;
 * `setLeaderKnown(false)` for an election), `tombstone(stream)` (or the client's `tombstoneStream`), the maximum
 * append size counted as the server counts it, and `restart()`, which forgets the dedupe cache of `any` appends.
 */

export type EsdbTestServerOptions = EsdbLogOptions & {
  /** 0 (default): a free port. A fixed port lets a test restart the server where its clients expect it. */
  readonly port?: number;
  /**
   * What ServerFeatures.GetSupportedMethods answers. `batch-append` (default): the client appends with BatchAppend.
   * `append-only` or `unimplemented` (the service is absent, as on servers before 21.10): it falls back to Append.
   */
  readonly features?: 'batch-append' | 'append-only' | 'unimplemented';
  /** Bytes of data and metadata one append may carry; EventStoreDB's default is 1 MiB. */
  readonly maxAppendSize?: number;
  /** `known` (default, 24.x): stream reads report each event's log position. `unknown`: 2^64-1, as before 24.x. */
  readonly streamReadPositions?: 'known' | 'unknown';
  /** The server's `WriteTimeoutMs`: when a write left unanswered is answered with a timeout. Default 2,000 ms. */
  readonly writeTimeoutMs?: number;
  /** How long a write hit by `commit-then-timeout` stays unreplicated (its retries dropped). Default 500 ms. */
  readonly replicationDelayMs?: number;
};

export type RpcName = 'append' | 'batchAppend' | 'read' | 'getSupportedMethods';

/** A node of the cluster that answers on its own port: the leader, or a follower of it. */
export type EsdbTestNode = {
  readonly port: number;
  /** `esdb://127.0.0.1:PORT?tls=false` */
  readonly connectionString: string;
  /** How many calls each RPC has received on this node since it was created. */
  readonly calls: Readonly<Record<RpcName, number>>;
  /** Graceful: ends open reads and subscriptions with UNAVAILABLE, then shuts down. */
  stop(): Promise<void>;
};

/**
 * A follower: writes that do not require the leader are forwarded to it; reads that do not are answered from this
 * node's copy, which lags while replication is paused; requests that require the leader get NotLeader with the
 * leader's endpoint, as EventStoreDB answers them.
 */
export type EsdbTestFollower = EsdbTestNode & {
  pauseReplication(): void;
  resumeReplication(): void;
  /** An election under way (`false`): requests that require the leader are answered "No leader info available". */
  setLeaderKnown(known: boolean): void;
};

export type EsdbTestServer = EsdbTestNode & {
  /** Faults to inject into appends, on command (see `EsdbFaults`). */
  readonly faults: EsdbFaults;
  /** Tombstones a stream, as `$tombstone`/hard delete does: reads and appends then answer StreamDeleted. */
  tombstone(streamName: string): StoredEvent;
  /** A follower of this node on a port of its own. */
  startFollower(): Promise<EsdbTestFollower>;
  /** Abrupt: forceShutdown, like a crashed node; calls in flight fail. The data stays, for `restart()`. */
  kill(): Promise<void>;
  /** Starts again on the same port with the same data; what a process restart forgets (the idempotency cache) is gone. */
  restart(): Promise<void>;
  /** Every event in `$all`, system events included, as stored. */
  events(): readonly StoredEvent[];
  /** Writes a server-side event, e.g. a `$`-typed event into a user stream, as a tombstone would. */
  writeSystemEvent(streamName: string, type: string, data?: Record<string, unknown>): StoredEvent;
  /** How many times a response waited for a slow reader (HTTP/2 flow control) since the server was created. */
  readonly backpressureWaits: number;
};

const SERVER_VERSION = '24.10.14';
const STREAMS_SERVICE = 'event_store.client.streams.streams';

const supportedMethods = (batchAppend: boolean): SupportedMethods => {
  const methods = ['read', 'append', 'delete', 'tombstone', ...(batchAppend ? ['batchappend'] : [])];
  return new SupportedMethods()
    .setEventStoreServerVersion(SERVER_VERSION)
    .setMethodsList(methods.map((name) => new SupportedMethod().setServiceName(STREAMS_SERVICE).setMethodName(name)));
};

/**
 * The node's own TCP listener, its connections handed to grpc-js (`createConnectionInjector`), so that `kill()` can
 * do what a crashed process does to its peers: its sockets close at once, and nothing more is sent on them. Killing
 * through grpc-js instead (`forceShutdown`, which destroys each HTTP/2 session with RST_STREAM and GOAWAY frames
 * still to write) crashed the jest process natively in about a third of the runs when a client held streaming
 * calls open on the node (Node 20's http2: a server session destroyed while a write was scheduled; the core dump
 * shows the freed session touched by that write's callback). A real EventStoreDB is another process, so that
 * path of Node's server-side http2 is not the production client's.
 */
type Listener = {
  readonly port: number;
  /** Stops accepting; open connections stay. */
  close(): void;
  /** Closes every open connection at once (a crash, as the peer sees it); resolves once each has closed. */
  dropConnections(): Promise<void>;
};

const listen = (port: number, accept: (socket: Socket) => void): Promise<Listener> =>
  new Promise((resolve, reject) => {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      accept(socket);
    });
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () => server.close(),
        dropConnections: async () => {
          const closing = [...sockets].map((socket) => new Promise<void>((closed) => {
            socket.once('close', () => closed());
            socket.destroy();
          }));
          sockets.clear();
          await Promise.all(closing);
        },
      });
    });
  });

type Node = {
  readonly calls: Record<RpcName, number>;
  readonly port: () => number;
  start(): Promise<void>;
  /** Abandons every call in flight and shuts down at once. */
  kill(): Promise<void>;
  stop(): Promise<void>;
};

type NodeSetup = Omit<StreamsServiceContext, 'countCall' | 'track' | 'view' | 'leader'> & {
  readonly view: LogView;
  readonly leader: StreamsServiceContext['leader'];
  readonly features: 'batch-append' | 'append-only' | 'unimplemented';
  readonly port: number;
};

const startNode = async (setup: NodeSetup): Promise<Node> => {
  const calls: Record<RpcName, number> = { append: 0, batchAppend: 0, read: 0, getSupportedMethods: 0 };
  const live = new Set<LiveCall>();
  const streams = streamsService({
    ...setup,
    countCall: (rpc) => calls[rpc]++,
    track: (call) => {
      live.add(call);
      return () => live.delete(call);
    },
  });
  let server: { readonly grpc: grpc.Server; readonly listener: Listener } | null = null;
  let port = setup.port;
  const node: Node = {
    calls,
    port: () => port,
    async start() {
      const next = new grpc.Server();
      next.addService(StreamsService, streams);
      if (setup.features !== 'unimplemented') {
        const serverFeatures: IServerFeaturesServer = {
          getSupportedMethods: (_call, callback) => {
            calls.getSupportedMethods++;
            callback(null, supportedMethods(setup.features === 'batch-append'));
          },
        };
        next.addService(ServerFeaturesService, serverFeatures);
      }
      const injector = next.createConnectionInjector(grpc.ServerCredentials.createInsecure());
      const listener = await listen(port, (socket) => injector.injectConnection(socket));
      port = listener.port;
      server = { grpc: next, listener };
    },
    async kill() {
      const current = server;
      server = null;
      for (const call of [...live]) call.abort();
      live.clear();
      if (!current) return;
      current.listener.close();
      await current.listener.dropConnections();
      // The HTTP/2 sessions ended with their sockets; this only releases what grpc-js still holds.
      current.grpc.forceShutdown();
    },
    async stop() {
      const current = server;
      server = null;
      if (!current) return;
      for (const call of [...live]) call.end();
      live.clear();
      current.listener.close();
      // Sessions close once their calls are over; a client that keeps one open is cut off after 2 s.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 2_000);
        current.grpc.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      await current.listener.dropConnections();
      current.grpc.forceShutdown();
    },
  };
  await node.start();
  return node;
};

const connectionStringOf = (port: number) => `esdb://127.0.0.1:${port}?tls=false`;

export const startEsdbTestServer = async (options: EsdbTestServerOptions = {}): Promise<EsdbTestServer> => {
  const log = new EsdbLog(options);
  const faults = new EsdbFaults();
  let backpressureWaits = 0;
  const shared = {
    log,
    faults,
    features: options.features ?? 'batch-append',
    maxAppendSize: options.maxAppendSize ?? 1_048_576,
    streamReadPositions: options.streamReadPositions ?? 'known',
    writeTimeoutMs: options.writeTimeoutMs ?? 2_000,
    replicationDelayMs: options.replicationDelayMs ?? 500,
    onBackpressure: () => backpressureWaits++,
  } as const;
  const leader = await startNode({ ...shared, view: log, leader: null, port: options.port ?? 0 });
  const followers: Node[] = [];

  return {
    get port() {
      return leader.port();
    },
    get connectionString() {
      return connectionStringOf(leader.port());
    },
    calls: leader.calls,
    faults,
    get backpressureWaits() {
      return backpressureWaits;
    },
    kill: () => leader.kill(),
    async restart() {
      await leader.kill();
      log.restart();
      await leader.start();
    },
    async stop() {
      await Promise.all(followers.map((follower) => follower.stop()));
      await leader.stop();
    },
    events: () => log.events(),
    writeSystemEvent: (streamName, type, data = {}) => log.writeSystemEvent(streamName, type, data),
    tombstone: (streamName) => log.tombstone(streamName),
    async startFollower() {
      const view = new FollowerView(log);
      let leaderKnown = true;
      const leaderOf = () => (leaderKnown ? { host: '127.0.0.1', port: leader.port() } : 'none' as const);
      const node = await startNode({ ...shared, view, leader: leaderOf, port: 0 });
      followers.push(node);
      return {
        get port() {
          return node.port();
        },
        get connectionString() {
          return connectionStringOf(node.port());
        },
        calls: node.calls,
        stop: () => node.stop(),
        pauseReplication: () => view.pause(),
        resumeReplication: () => view.resume(),
        setLeaderKnown: (known) => {
          leaderKnown = known;
        },
      };
    },
  };
};

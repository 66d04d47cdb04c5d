import * as grpc from '@grpc/grpc-js';
import type { IServerFeaturesServer } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import type { EsdbLogOptions, StoredEvent } from './esdb-log';
import { EsdbLog } from './esdb-log';
import type { LiveCall } from './esdb-streams-service';
import { streamsService } from './esdb-streams-service';

/**
 * An in-process EventStoreDB for tests only: the Streams and ServerFeatures gRPC services the client uses, built on
 * the service definitions `@eventstore/db-client` ships, over an in-memory log. Never an option of the app.
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
};

export type RpcName = 'append' | 'batchAppend' | 'read' | 'getSupportedMethods';

export type EsdbTestServer = {
  readonly port: number;
  /** `esdb://127.0.0.1:PORT?tls=false` */
  readonly connectionString: string;
  /** Abrupt: forceShutdown, like a crashed node; calls in flight fail. The data stays, for `restart()`. */
  kill(): Promise<void>;
  /** Starts again on the same port with the same data; what a process restart forgets (the idempotency cache) is gone. */
  restart(): Promise<void>;
  /** Graceful: ends open reads and subscriptions with UNAVAILABLE, then shuts down. */
  stop(): Promise<void>;
  /** Every event in `$all`, system events included, as stored. */
  events(): readonly StoredEvent[];
  /** Writes a server-side event, e.g. a `$`-typed event into a user stream, as a tombstone would. */
  writeSystemEvent(streamName: string, type: string, data?: Record<string, unknown>): StoredEvent;
  /** How many calls each RPC has received since the server was created. */
  readonly calls: Readonly<Record<RpcName, number>>;
  /** How many times a response waited for a slow reader (HTTP/2 flow control) since the server was created. */
  readonly backpressureWaits: number;
};

const SERVER_VERSION = '24.10.4';
const STREAMS_SERVICE = 'event_store.client.streams.streams';

const supportedMethods = (batchAppend: boolean): SupportedMethods => {
  const methods = ['read', 'append', 'delete', 'tombstone', ...(batchAppend ? ['batchappend'] : [])];
  return new SupportedMethods()
    .setEventStoreServerVersion(SERVER_VERSION)
    .setMethodsList(methods.map((name) => new SupportedMethod().setServiceName(STREAMS_SERVICE).setMethodName(name)));
};

const bind = (server: grpc.Server, port: number): Promise<number> =>
  new Promise((resolve, reject) => {
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error, bound) => {
      if (error) reject(error);
      else resolve(bound);
    });
  });

export const startEsdbTestServer = async (options: EsdbTestServerOptions = {}): Promise<EsdbTestServer> => {
  const log = new EsdbLog(options);
  const features = options.features ?? 'batch-append';
  const calls: Record<RpcName, number> = { append: 0, batchAppend: 0, read: 0, getSupportedMethods: 0 };
  const live = new Set<LiveCall>();
  let backpressureWaits = 0;
  const streams = streamsService({
    log,
    maxAppendSize: options.maxAppendSize ?? 1_048_576,
    streamReadPositions: options.streamReadPositions ?? 'known',
    countCall: (rpc) => calls[rpc]++,
    onBackpressure: () => backpressureWaits++,
    track: (call) => {
      live.add(call);
      return () => live.delete(call);
    },
  });

  let server: grpc.Server | null = null;
  let port = options.port ?? 0;

  const start = async (): Promise<void> => {
    const next = new grpc.Server();
    next.addService(StreamsService, streams);
    if (features !== 'unimplemented') {
      const serverFeatures: IServerFeaturesServer = {
        getSupportedMethods: (_call, callback) => {
          calls.getSupportedMethods++;
          callback(null, supportedMethods(features === 'batch-append'));
        },
      };
      next.addService(ServerFeaturesService, serverFeatures);
    }
    port = await bind(next, port);
    server = next;
  };

  const kill = async (): Promise<void> => {
    const current = server;
    server = null;
    for (const call of [...live]) call.abort();
    live.clear();
    current?.forceShutdown();
  };

  await start();
  return {
    get port() {
      return port;
    },
    get connectionString() {
      return `esdb://127.0.0.1:${port}?tls=false`;
    },
    calls,
    get backpressureWaits() {
      return backpressureWaits;
    },
    kill,
    async restart() {
      await kill();
      log.restart();
      await start();
    },
    async stop() {
      const current = server;
      server = null;
      if (!current) return;
      for (const call of [...live]) call.end();
      live.clear();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          current.forceShutdown();
          resolve();
        }, 2_000);
        current.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    events: () => log.events(),
    writeSystemEvent: (streamName, type, data = {}) => log.writeSystemEvent(streamName, type, data),
  };
};

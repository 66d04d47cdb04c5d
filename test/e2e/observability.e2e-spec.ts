import { EVENT_STORE, comparePositions, decodePosition } from '@chip-ledger/event-store';
import type { EventStore, GlobalPosition, RecordedEvent } from '@chip-ledger/event-store';
import { LEDGER_STREAM_FILTER, ProjectionRunner } from '@chip-ledger/projections';
import { LogCapture } from '../../apps/api/src/observability/log-capture';
import { startEsdbTestServer } from '../esdb/esdb-test-server';
import { describeOnEachStore } from '../support/ledger-stores';
import type { TestLedger } from '../support/ledger-test-app';
import { startTestLedger } from '../support/ledger-test-app';

type Sample = { readonly name: string; readonly labels: Readonly<Record<string, string>>; readonly value: number };

/** The Prometheus text format, samples only (enough for the metrics this ledger writes: no escaped quotes). */
const parseMetrics = (text: string): Sample[] => text.split('\n').filter((line) => line && !line.startsWith('#')).map((line) => {
  const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
  if (!match) throw new Error(`not a sample line: ${line}`);
  const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map(([, key, value]) => [key, value]));
  return { name: match[1], labels, value: Number(match[3]) };
});

const METRICS_TOKEN = 'scrape-token-7f3a';

/** Fakes the clock (Date) only: timers, ticks and I/O run for real. */
const setDateTo = (now: number): void => {
  jest.useFakeTimers({
    now,
    doNotFake: [
      'hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval',
      'setTimeout', 'clearTimeout',
    ],
  });
};

/** A sample's value from a scrape, by name and exact label set (undefined: no such sample). */
type Scrape = (name: string, labels?: Record<string, string>) => number | undefined;

const scrapeOf = (text: string): Scrape => {
  const samples = parseMetrics(text);
  return (name, labels = {}) => samples.find((sample) => sample.name === name
    && Object.keys(labels).length === Object.keys(sample.labels).length
    && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))?.value;
};

describeOnEachStore('operating the ledger: structured logs and Prometheus metrics', (on) => {
  let ledger: TestLedger;
  let maker: string;
  const log = new LogCapture();

  beforeAll(async () => {
    ledger = await on.start({ logLevel: 'info', logDestination: log, metricsToken: METRICS_TOKEN });
    maker = await ledger.registerParty('maker', ['manufacturer'], 'TW');
    await ledger.registerFacility('fab', 'maker', 'TW', 'assembly');
  });

  afterAll(() => ledger.close());

  const scrape = async (): Promise<Scrape> => {
    const response = await ledger.http().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
    return scrapeOf(response.text);
  };
  const manufacture = (assetId: string, headers: Record<string, string> = {}) =>
    ledger.post('/assets', maker, { assetId, kind: 'chip', model: 'nvidia-h200', facilityId: 'fab' }, headers);
  const linesWith = (field: string, value: unknown) => log.lines().filter((line) => line[field] === value);
  const eventsAfter = async (position: GlobalPosition): Promise<RecordedEvent[]> => {
    const events: RecordedEvent[] = [];
    for await (const event of ledger.app.get<EventStore>(EVENT_STORE).readAll({ fromPosition: position, filter: LEDGER_STREAM_FILTER })) {
      if (comparePositions(event.position, position) > 0) events.push(event);
    }
    return events;
  };

  it('logs one JSON line per request: its id (the caller\'s when sane, echoed), route pattern, party, command, outcome, status and duration; never a key', async () => {
    const accepted = await manufacture('gpu-log-1', { 'X-Request-Id': 'trace-accepted-1', 'Idempotency-Key': 'log-1' }).expect(201);
    expect(accepted.headers['x-request-id']).toBe('trace-accepted-1');
    const replayed = await manufacture('gpu-log-1', { 'X-Request-Id': 'trace-replayed-1', 'Idempotency-Key': 'log-1' }).expect(201);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    await manufacture('gpu-log-1', { 'X-Request-Id': 'trace-refused-1' }).expect(409);
    const insane = await ledger.get('/assets/gpu-log-1', maker).set('X-Request-Id', `${'x'.repeat(200)}`).expect(200);
    const unnamed = await ledger.get('/assets/no-such-chip', maker).expect(404);

    expect(linesWith('requestId', 'trace-accepted-1')).toEqual([{
      level: 'info', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), pid: process.pid, hostname: expect.any(String),
      requestId: 'trace-accepted-1', method: 'POST', route: '/assets', status: 201, durationMs: expect.any(Number),
      party: 'maker', command: 'ManufactureAsset', commandId: accepted.body.commandId, outcome: 'accepted', msg: 'request completed',
    }]);
    expect(linesWith('requestId', 'trace-replayed-1')).toEqual([expect.objectContaining({
      status: 201, command: 'ManufactureAsset', commandId: accepted.body.commandId, outcome: 'replayed',
    })]);
    expect(linesWith('requestId', 'trace-refused-1')).toEqual([expect.objectContaining({
      status: 409, party: 'maker', command: 'ManufactureAsset', outcome: 'refused', code: 'asset-already-exists',
    })]);
    // A request id that is not sane is replaced, and the replacement is what both the log and the answer carry.
    const replacedId = insane.headers['x-request-id'];
    expect(replacedId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(linesWith('requestId', replacedId)).toEqual([expect.objectContaining({ method: 'GET', route: '/assets/:assetId', status: 200, party: 'maker' })]);
    const [notFound] = linesWith('requestId', unnamed.headers['x-request-id']);
    expect(notFound).toMatchObject({ route: '/assets/:assetId', status: 404, code: 'asset-not-found' });
    expect(notFound).not.toHaveProperty('command');

    const everything = log.raw.join('');
    for (const secret of [ledger.adminKey, maker, METRICS_TOKEN]) expect(everything).not.toContain(secret);
    expect(everything).not.toMatch(/bearer|authorization/i);
  });

  it('counts commands by type and outcome, queries by route and status, and every request, as the test made them', async () => {
    // The samples the requests below move, each read before and after them.
    const SAMPLES = {
      manufactured: ['ledger_commands_total', { type: 'ManufactureAsset', outcome: 'accepted' }],
      replayed: ['ledger_commands_total', { type: 'ManufactureAsset', outcome: 'replayed' }],
      refused: ['ledger_commands_total', { type: 'ManufactureAsset', outcome: 'refused' }],
      timed: ['ledger_command_duration_seconds_count', { type: 'ManufactureAsset' }],
      found: ['ledger_queries_total', { route: '/assets/:assetId', status: '200' }],
      missing: ['ledger_queries_total', { route: '/assets/:assetId', status: '404' }],
      malformed: ['ledger_http_requests_total', { method: 'POST', route: '/assets', status: '400' }],
    } as const satisfies Record<string, readonly [string, Record<string, string>]>;
    const read = (scraped: Scrape) => Object.fromEntries(Object.entries(SAMPLES)
      .map(([key, [name, labels]]) => [key, scraped(name, labels) ?? 0])) as Record<keyof typeof SAMPLES, number>;
    const baseline = read(await scrape());

    for (const id of ['gpu-m-1', 'gpu-m-2', 'gpu-m-3']) await manufacture(id, { 'Idempotency-Key': `m-${id}` }).expect(201);
    await manufacture('gpu-m-1', { 'Idempotency-Key': 'm-gpu-m-1' }).expect(201);
    for (let i = 0; i < 2; i++) await manufacture('gpu-m-2').expect(409);
    // Refused by validation before it becomes a command: a request, not a command.
    await ledger.post('/assets', maker, { assetId: 'gpu-m-4', kind: 'chip' }).expect(400);
    for (const id of ['gpu-m-1', 'gpu-m-2', 'gpu-m-3', 'gpu-m-1']) await ledger.get(`/assets/${id}`, maker).expect(200);
    await ledger.get('/assets/gpu-none', maker).expect(404);

    const after = await scrape();
    expect(read(after)).toEqual({
      manufactured: baseline.manufactured + 3,
      replayed: baseline.replayed + 1,
      refused: baseline.refused + 2,
      timed: baseline.timed + 6,
      found: baseline.found + 4,
      missing: baseline.missing + 1,
      malformed: baseline.malformed + 1,
    });
    // The setup's commands went through HTTP too: one each.
    expect(after('ledger_commands_total', { type: 'RegisterParty', outcome: 'accepted' })).toBe(1);
    expect(after('ledger_commands_total', { type: 'RegisterFacility', outcome: 'accepted' })).toBe(1);
    expect(after('ledger_command_duration_seconds_bucket', { type: 'ManufactureAsset', le: '+Inf' })).toBe(baseline.timed + 6);
    expect(after('ledger_store_errors_total')).toBeUndefined();
    expect(after('process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(after('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('reports where the read models are and how far behind the log: 0 when caught up, the unapplied events when not', async () => {
    const written = await manufacture('gpu-lag-1').expect(201);
    await ledger.get(`/assets/gpu-lag-1?position=${written.body.position}`, maker).expect(200);
    const caughtUp = await scrape();
    expect(caughtUp('ledger_projection_position')).toBe(Number(decodePosition(written.body.position)?.commit));
    expect(caughtUp('ledger_projection_lag_events')).toBe(0);
    expect(caughtUp('ledger_projection_lag_seconds')).toBe(0);

    const runner = ledger.app.get(ProjectionRunner);
    await runner.stop();
    try {
      for (const id of ['gpu-lag-2', 'gpu-lag-3', 'gpu-lag-4']) await manufacture(id).expect(201);
      // The oldest event the read models lack was written a moment ago; scraped as if 42 s later, it is 42 s old.
      const [oldest] = await eventsAfter(decodePosition(written.body.position)!);
      setDateTo(oldest.created.getTime() + 42_000);
      let behind: Scrape;
      try {
        behind = await scrape();
      } finally {
        jest.useRealTimers();
      }
      expect(behind('ledger_projection_position')).toBe(Number(decodePosition(written.body.position)?.commit));
      expect(behind('ledger_projection_lag_events')).toBe(3);
      expect(behind('ledger_projection_lag_seconds')).toBe(42);
      expect(behind('ledger_projection_catching_up')).toBe(0);
    } finally {
      runner.start();
    }
  });

  it('answers /metrics only with the metrics token when one is configured (401 problem+json otherwise)', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token', `Bearer ${ledger.adminKey}`, METRICS_TOKEN]) {
      const attempt = ledger.http().get('/metrics');
      const response = await (authorization ? attempt.set('Authorization', authorization) : attempt).expect(401);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body.code).toBe('unauthenticated');
    }
    await ledger.http().get('/metrics').set('Authorization', `bearer ${METRICS_TOKEN}`).expect(200);
  });
});

describe('operating the ledger when its store is gone (EventStoreDB test server killed)', () => {
  it('counts every failed command and store error, and logs the cause once with the number of repeats, not once per request', async () => {
    const server = await startEsdbTestServer();
    const log = new LogCapture();
    const ledger = await startTestLedger({ eventStoreConnectionString: server.connectionString, logLevel: 'warn', logDestination: log });
    let closed = false;
    try {
      const maker = await ledger.registerParty('maker', ['manufacturer'], 'TW');
      await ledger.registerFacility('fab', 'maker', 'TW', 'assembly');
      await server.kill();
      for (let i = 0; i < 5; i++) {
        const refused = await ledger.post('/assets', maker, { assetId: `gpu-down-${i}`, kind: 'chip', model: 'nvidia-h200', facilityId: 'fab' });
        expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 503, code: 'store-unavailable' });
      }
      const metrics = scrapeOf((await ledger.http().get('/metrics').expect(200)).text);
      expect(metrics('ledger_store_errors_total', { kind: 'unavailable' })).toBe(5);
      expect(metrics('ledger_commands_total', { type: 'ManufactureAsset', outcome: 'failed' })).toBe(5);
      // The read side's subscription went with the server: counted, and its cause logged (once).
      let readSideFailures: number | undefined;
      for (let attempt = 0; attempt < 200 && !readSideFailures; attempt++) {
        readSideFailures = scrapeOf((await ledger.http().get('/metrics').expect(200)).text)('ledger_projection_errors_total');
        if (!readSideFailures) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(readSideFailures).toBeGreaterThan(0);

      // Closing flushes the repeat counts not yet logged.
      await ledger.close();
      closed = true;
      const causes = log.lines().filter((line) => line.code === 'store-unavailable' && line.msg !== 'request failed');
      expect(causes).toEqual([
        expect.objectContaining({ level: 'warn', msg: 'Answered 503 store-unavailable', err: expect.objectContaining({ type: 'StoreUnavailable' }) }),
      ]);
      const { errorKey } = causes[0];
      expect(log.lines().filter((line) => line.errorKey === errorKey).map((line) => [line.repeated, line.msg])).toEqual([
        [undefined, 'Answered 503 store-unavailable'],
        [4, expect.stringMatching(/^store-unavailable \(StoreUnavailable: .*\): repeated 4 times in the last \d+ s$/)],
      ]);
      // Each request still has its access line (at warn: the server is fine, its store is not).
      expect(log.lines().filter((line) => line.msg === 'request failed' && line.route === '/assets')).toHaveLength(5);
      const readSide = log.lines().filter((line) => line.msg === 'The read side could not follow the log; it retries');
      expect(readSide).toHaveLength(new Set(readSide.map((line) => line.errorKey)).size);
      expect(readSide[0]).toMatchObject({ level: 'warn', errorKey: expect.stringMatching(/^read side \(/), err: expect.any(Object) });
    } finally {
      if (!closed) await ledger.close();
      await server.stop();
    }
  });
});

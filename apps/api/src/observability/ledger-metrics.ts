import type { FastifyReply, FastifyRequest } from '../http/ledger-request';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ProjectionLag, ProjectionStatus } from '@chip-ledger/projections';
import { commandOutcome, peekObservation, routePattern } from './request-observation';
import { storeErrorKind } from './store-error-kind';

/** From half a millisecond (a cached read) to ten seconds (a command waiting out an outage). */
const SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

let processRegistry: Registry | null = null;

/**
 * CPU, memory, event loop and GC belong to the process, not to one application in it: collected once per process,
 * however many applications it runs (the tests run several), and merged into each application's output.
 */
const processMetrics = (): Registry => {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
};

/** The ledger's Prometheus metrics, in a registry of its own per application. */
export class LedgerMetrics {
  /** What `/metrics` serves: the application's metrics and the process's. */
  readonly registry: Registry;
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly commands: Counter<'type' | 'outcome'>;
  private readonly commandSeconds: Histogram<'type'>;
  private readonly queries: Counter<'route' | 'status'>;
  private readonly querySeconds: Histogram<'route'>;
  private readonly storeErrors: Counter<'kind'>;
  private readonly projectionPosition: Gauge;
  private readonly projectionLagEvents: Gauge;
  private readonly projectionLagSeconds: Gauge;
  private readonly projectionCatchingUp: Gauge;
  private readonly projectionErrors: Counter;

  constructor() {
    const registers = [new Registry()];
    this.requests = new Counter({
      name: 'ledger_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'], registers,
    });
    this.commands = new Counter({
      name: 'ledger_commands_total', help: 'Commands by type and outcome (accepted, replayed, refused: 4xx, failed: 5xx)',
      labelNames: ['type', 'outcome'], registers,
    });
    this.commandSeconds = new Histogram({
      name: 'ledger_command_duration_seconds', help: 'From the command gateway to the answer sent, by command type',
      labelNames: ['type'], buckets: SECONDS, registers,
    });
    this.queries = new Counter({
      name: 'ledger_queries_total', help: 'GET requests by route pattern and status', labelNames: ['route', 'status'], registers,
    });
    this.querySeconds = new Histogram({
      name: 'ledger_query_duration_seconds', help: 'GET requests from arrival to the answer sent, by route pattern',
      labelNames: ['route'], buckets: SECONDS, registers,
    });
    this.storeErrors = new Counter({
      name: 'ledger_store_errors_total',
      help: 'Requests answered with a storage failure, by kind (unavailable, full, or the SQLite result code)',
      labelNames: ['kind'], registers,
    });
    this.projectionPosition = new Gauge({
      name: 'ledger_projection_position', help: 'Global log position (commit) the read models have applied', registers,
    });
    this.projectionLagEvents = new Gauge({
      name: 'ledger_projection_lag_events', help: 'Ledger events in the log not yet in the read models (counted up to 10000)', registers,
    });
    this.projectionLagSeconds = new Gauge({
      name: 'ledger_projection_lag_seconds', help: 'Age of the oldest ledger event not yet in the read models (0: caught up)', registers,
    });
    this.projectionCatchingUp = new Gauge({
      name: 'ledger_projection_catching_up', help: '1 while the read side catches up after a start or rebuild (reads answer 503), else 0', registers,
    });
    this.projectionErrors = new Counter({
      name: 'ledger_projection_errors_total', help: 'Failures of the read side to follow the log (it retries by itself)', registers,
    });
    this.registry = Registry.merge([processMetrics(), ...registers]);
  }

  /** Sets the projection gauges; a measurement that failed (the store did not answer) leaves the last values. */
  recordProjection(status: ProjectionStatus, lag: ProjectionLag): void {
    this.projectionPosition.set(lag.checkpoint ? Number(lag.checkpoint.commit) : 0);
    this.projectionLagEvents.set(lag.events);
    this.projectionLagSeconds.set(lag.seconds);
    this.projectionCatchingUp.set(status.catchingUp ? 1 : 0);
  }

  projectionFailed(): void {
    this.projectionErrors.inc();
  }

  /** Counts a request whose answer has been sent, `durationMs` after it arrived. */
  observe(request: FastifyRequest, response: FastifyReply, durationMs: number): void {
    const now = performance.now();
    const route = routePattern(request);
    const status = String(response.statusCode);
    this.requests.inc({ method: request.method, route, status });
    const observation = peekObservation(response);
    if (observation?.command) {
      const { type, startedAt: commandStartedAt } = observation.command;
      this.commands.inc({ type, outcome: commandOutcome(response) });
      this.commandSeconds.observe({ type }, (now - commandStartedAt) / 1000);
    } else if (request.method === 'GET') {
      this.queries.inc({ route, status });
      this.querySeconds.observe({ route }, durationMs / 1000);
    }
    const kind = observation?.problemCode === undefined ? null : storeErrorKind(observation.problemCode, observation.error);
    if (kind) this.storeErrors.inc({ kind });
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, comparePositions, decodePosition, encodePosition } from '@chip-ledger/event-store';
import type { EventStore, GlobalPosition } from '@chip-ledger/event-store';
import type { ProjectionLag } from '@chip-ledger/projections';
import { ProjectionRunner, latestLedgerPosition } from '@chip-ledger/projections';
import { LEDGER_CONFIG } from '@chip-ledger/runtime';
import type { LedgerConfig } from '@chip-ledger/runtime';
import { RequestValidationFailed } from './validation';

/**
 * How long a request that needs the read models waits for a read side that is catching up before it is answered
 * 503: long enough to cover the moments after a start or a restart with a few events to apply, short enough that a
 * long replay answers promptly.
 */
export const CATCH_UP_WAIT_MS = 1000;

const encoded = (position: GlobalPosition | null): string | null => (position ? encodePosition(position) : null);

/** The lag as problem+json extensions and /health show it. */
export const describeLag = (lag: ProjectionLag) => ({
  checkpoint: encoded(lag.checkpoint),
  head: encoded(lag.head),
  events: lag.events,
  eventsAtLeast: lag.eventsAtLeast,
  seconds: Math.round(lag.seconds * 10) / 10,
});

/** The read models cannot answer yet: behind a position a client asked for, or still catching up after a start. */
export class ReadModelBehind extends Error {
  readonly code = 'read-model-behind';
  constructor(message: string, readonly extensions: Readonly<Record<string, unknown>>) {
    super(message);
  }

  static position(position: string, waitedMs: number): ReadModelBehind {
    return new ReadModelBehind(`The read models had not reached position ${position} after ${waitedMs} ms; retry shortly`, { position });
  }

  static catchingUp(lag: ProjectionLag | null): ReadModelBehind {
    return new ReadModelBehind(
      'The read models are catching up with the event log after a start and cannot answer yet; retry shortly (GET /health shows the progress)',
      { lag: lag ? describeLag(lag) : null },
    );
  }
}

/**
 * Where the read side stands, for requests that need it.
 * - After a start, until the runner has reached the end of the log as it was at start, the read models may be any
 *   distance behind: requests that need them wait up to CATCH_UP_WAIT_MS, then get 503 `read-model-behind` with the lag.
 * - From then on, read-your-writes: a query that names the position of a write waits (bounded) until the read side has it.
 */
@Injectable()
export class ReadSide {
  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  get catchingUp(): boolean {
    return this.runner.status().catchingUp;
  }

  /** Resolves once the read models are caught up with the log as it was at start; throws ReadModelBehind if not soon. */
  async requireCaughtUp(): Promise<void> {
    if (await this.runner.waitUntilCaughtUp(CATCH_UP_WAIT_MS)) return;
    throw ReadModelBehind.catchingUp(await this.runner.lag().catch(() => null));
  }

  async catchUp(positionToken: string | undefined): Promise<void> {
    if (positionToken === undefined) return;
    const position = decodePosition(positionToken);
    if (!position) {
      throw new RequestValidationFailed([{ field: 'position', messages: ['position must be a position returned by a command'] }]);
    }
    if (await this.runner.waitForPosition(position, 0)) return;
    // A position beyond the log's end was never returned by a command: waiting for it could only end in a 503.
    const head = await latestLedgerPosition(this.store);
    if (head === null || comparePositions(position, head) > 0) {
      throw new RequestValidationFailed([{ field: 'position', messages: ['position is beyond the end of the ledger: pass one returned by a command'] }]);
    }
    if (!(await this.runner.waitForPosition(position, this.config.readWaitMs))) {
      throw ReadModelBehind.position(positionToken, this.config.readWaitMs);
    }
  }
}

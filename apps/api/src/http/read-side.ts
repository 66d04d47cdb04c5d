import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, comparePositions, decodePosition } from '@chip-ledger/event-store';
import type { EventStore } from '@chip-ledger/event-store';
import { ProjectionRunner } from '@chip-ledger/projections';
import { latestLedgerPosition } from '../infrastructure/latest-ledger-position';
import { LEDGER_CONFIG } from '../infrastructure/tokens';
import type { LedgerConfig } from '../infrastructure/ledger-config';
import { RequestValidationFailed } from './validation';

/** The read models had not reached the position a client asked for within the wait the server allows. */
export class ReadModelBehind extends Error {
  readonly code = 'read-model-behind';
  constructor(readonly position: string, readonly waitedMs: number) {
    super(`The read models had not reached position ${position} after ${waitedMs} ms; retry shortly`);
  }
}

/** Read-your-writes: a query that names the position of a write waits (bounded) until the read side has it. */
@Injectable()
export class ReadSide {
  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

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
      throw new ReadModelBehind(positionToken, this.config.readWaitMs);
    }
  }
}

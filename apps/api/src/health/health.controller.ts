import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from '../http/ledger-request';
import { basename } from 'node:path';
import { EVENT_STORE, comparePositions, encodePosition } from '@chip-ledger/event-store';
import type { EventStore, GlobalPosition } from '@chip-ledger/event-store';
import type { ProjectionLag } from '@chip-ledger/projections';
import { LiveReadModels, ProjectionRunner } from '@chip-ledger/projections';
import { Public } from '../auth/public.decorator';
import { ApiPublicRead } from '../openapi/api-operations.decorator';
import { HealthDto } from './dto/health.dto';
import { describeLag } from '../http/read-side';

const encoded = (position: GlobalPosition | null): string | null => (position ? encodePosition(position) : null);

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly runner: ProjectionRunner,
    private readonly readModels: LiveReadModels,
  ) {}

  /**
   * `status`: `ok`; `catching-up` while the read side has not yet reached the end of the log as it was at start (reads
   * answer 503 `read-model-behind` meanwhile; still 200 here: the process is healthy and accepts commands, and a
   * long replay must not get it restarted); `degraded` when the store does not answer (503), when the EventStoreDB
   * node it answers from knows no leader (503: an election, commands are refused meanwhile; `store.node` says which
   * node and `leader: false`), or when the runner is stopped or failing.
   */
  @Public()
  @Get()
  @ApiPublicRead({ summary: 'Which store is in use, whether it answers, and how far the read models lag behind it', response: HealthDto })
  @ApiResponse({ status: 503, type: HealthDto, description: 'The store does not answer, or (EventStoreDB) the cluster has no leader' })
  async health(@Res({ passthrough: true }) response: FastifyReply): Promise<HealthDto> {
    const projections = this.runner.status();
    let reachable = true;
    let lag: ProjectionLag | null = null;
    try {
      await this.store.ping();
      lag = await this.runner.lag(0);
    } catch {
      reachable = false;
    }
    const checkpoint = projections.checkpoint;
    const head = lag?.head ?? null;
    // Unknown while the store does not answer: the read models may be far behind a log we cannot see.
    const caughtUp = !reachable ? null : head === null || (checkpoint !== null && comparePositions(checkpoint, head) >= 0);
    // The ping asks for the leader; it reports a node that is not the leader only when that node knows none.
    const leaderless = reachable && this.store.info.node?.leader === false;
    if (!reachable || leaderless) response.status(HttpStatus.SERVICE_UNAVAILABLE);
    const healthy = reachable && !leaderless && projections.running && !projections.lastError;
    return {
      status: !healthy ? 'degraded' : projections.catchingUp ? 'catching-up' : 'ok',
      store: { ...this.store.info, reachable },
      projections: {
        running: projections.running,
        catchingUp: projections.catchingUp,
        generation: basename(this.readModels.db.file),
        checkpoint: encoded(checkpoint),
        head: encoded(head),
        caughtUp,
        lag: lag ? describeLag(lag) : null,
        appliedEvents: projections.appliedEvents,
        lastError: projections.lastError,
      },
    };
  }
}

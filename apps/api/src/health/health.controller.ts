import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { EVENT_STORE, comparePositions, encodePosition } from '@chip-ledger/event-store';
import type { EventStore, GlobalPosition } from '@chip-ledger/event-store';
import { ProjectionRunner } from '@chip-ledger/projections';
import { Public } from '../auth/public.decorator';
import { latestLedgerPosition } from '../infrastructure/latest-ledger-position';
import { ApiPublicRead } from '../openapi/api-operations.decorator';
import { HealthDto } from './dto/health.dto';

const encoded = (position: GlobalPosition | null): string | null => (position ? encodePosition(position) : null);

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly runner: ProjectionRunner,
  ) {}

  @Public()
  @Get()
  @ApiPublicRead({ summary: 'Which store is in use, whether it answers, and how far the read models lag behind it', response: HealthDto })
  @ApiResponse({ status: 503, type: HealthDto, description: 'The store does not answer' })
  async health(@Res({ passthrough: true }) response: Response): Promise<HealthDto> {
    const projections = this.runner.status();
    let reachable = true;
    let head: GlobalPosition | null = null;
    try {
      await this.store.ping();
      head = await latestLedgerPosition(this.store);
    } catch {
      reachable = false;
    }
    const checkpoint = projections.checkpoint;
    // Unknown while the store does not answer: the read models may be far behind a log we cannot see.
    const caughtUp = !reachable ? null : head === null || (checkpoint !== null && comparePositions(checkpoint, head) >= 0);
    if (!reachable) response.status(HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status: reachable && projections.running && !projections.lastError ? 'ok' : 'degraded',
      store: { ...this.store.info, reachable },
      projections: {
        running: projections.running,
        checkpoint: encoded(checkpoint),
        head: encoded(head),
        caughtUp,
        appliedEvents: projections.appliedEvents,
        lastError: projections.lastError,
      },
    };
  }
}

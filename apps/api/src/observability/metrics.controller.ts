import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { EVENT_STORE } from '@chip-ledger/event-store';
import type { EventStore } from '@chip-ledger/event-store';
import { ProjectionRunner } from '@chip-ledger/projections';
import { Public } from '../auth/public.decorator';
import { Unauthenticated } from '../auth/unauthenticated';
import type { LedgerConfig } from '../infrastructure/ledger-config';
import { LEDGER_CONFIG } from '../infrastructure/tokens';
import { LedgerMetrics } from './ledger-metrics';
import { measureProjectionLag } from './projection-lag';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** A scrape must answer within the scraper's timeout even when the store hangs; the lag then keeps its last value. */
const LAG_MEASUREMENT_TIMEOUT_MS = 2000;

const within = <T>(ms: number, work: Promise<T>): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
};

/**
 * Prometheus text format. Not an API route (no API key, not in the OpenAPI document): a scraper reaches it on the
 * port, or, with METRICS_TOKEN set, with that token as a bearer token.
 */
@Controller('metrics')
export class MetricsController {
  private readonly token: Buffer | null;

  constructor(
    private readonly metrics: LedgerMetrics,
    private readonly runner: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LEDGER_CONFIG) config: LedgerConfig,
  ) {
    this.token = config.metricsToken === undefined ? null : digest(config.metricsToken);
  }

  @Public()
  @Get()
  @ApiExcludeEndpoint()
  async scrape(@Headers('authorization') authorization: string | undefined, @Res({ passthrough: true }) response: Response): Promise<string> {
    if (this.token && !(authorization?.startsWith('Bearer ') && timingSafeEqual(digest(authorization.slice(7).trim()), this.token))) {
      throw new Unauthenticated('Send the metrics token as "Authorization: Bearer <METRICS_TOKEN>"');
    }
    try {
      const lag = measureProjectionLag(this.store, this.runner.status().checkpoint, new Date());
      this.metrics.recordProjection(await within(LAG_MEASUREMENT_TIMEOUT_MS, lag));
    } catch {
      // The store does not answer: the lag gauges keep their last values, and the rest is still worth scraping.
    }
    response.setHeader('Content-Type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}

import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from '../http/ledger-request';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ProjectionRunner } from '@chip-ledger/projections';
import { bearerToken } from '../auth/bearer-token';
import { Public } from '../auth/public.decorator';
import { Unauthenticated } from '../auth/unauthenticated';
import type { LedgerConfig } from '@chip-ledger/runtime';
import { REQUEST_PROBLEMS } from '../openapi/api-operations.decorator';
import { ApiProblems } from '../openapi/api-problems.decorator';
import { LEDGER_CONFIG } from '@chip-ledger/runtime';
import { LedgerMetrics } from './ledger-metrics';

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
 * Prometheus text format, for a scraper rather than a client: no API key. Open to whoever reaches the port, or,
 * with METRICS_TOKEN set, only with that token as a bearer token.
 */
@ApiTags('health')
@Controller('metrics')
export class MetricsController {
  private readonly token: Buffer | null;

  constructor(
    private readonly metrics: LedgerMetrics,
    private readonly runner: ProjectionRunner,
    @Inject(LEDGER_CONFIG) config: LedgerConfig,
  ) {
    this.token = config.metricsToken === undefined ? null : digest(config.metricsToken);
  }

  @Public()
  @Get()
  @ApiOperation({
    summary: 'Prometheus metrics: commands, queries, store errors, read-model lag, and the process',
    description: 'No API key. Open, unless the server runs with METRICS_TOKEN: then send `Authorization: Bearer <METRICS_TOKEN>`.',
    security: [],
  })
  @ApiProduces('text/plain')
  @ApiResponse({ status: 200, description: 'Prometheus text exposition format 0.0.4', content: { 'text/plain': { schema: { type: 'string' } } } })
  @ApiProblems(...REQUEST_PROBLEMS, 401)
  async scrape(@Headers('authorization') authorization: string | undefined, @Res({ passthrough: true }) response: FastifyReply): Promise<string> {
    const presented = bearerToken(authorization);
    if (this.token && !(presented !== undefined && timingSafeEqual(digest(presented), this.token))) {
      throw new Unauthenticated('Send the metrics token as "Authorization: Bearer <METRICS_TOKEN>"');
    }
    try {
      // Measured now, as /health does: a scrape comes every few seconds at most.
      this.metrics.recordProjection(this.runner.status(), await within(LAG_MEASUREMENT_TIMEOUT_MS, this.runner.lag(0)));
    } catch {
      // The store does not answer: the lag gauges keep their last values, and the rest is still worth scraping.
    }
    response.header('Content-Type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}

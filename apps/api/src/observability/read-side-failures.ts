import { Injectable } from '@nestjs/common';
import type { ReadSideFailureReporter } from '@chip-ledger/runtime';
import { LedgerMetrics } from './ledger-metrics';
import { RepeatedErrorLog, errorKey } from './repeated-error-log';

/**
 * What the projection runner reports when it fails to follow the log (a dropped subscription, a batch that could not
 * be written): it retries by itself, so each failure is counted and its cause logged once per interval.
 */
@Injectable()
export class ReadSideFailures implements ReadSideFailureReporter {
  constructor(private readonly errors: RepeatedErrorLog, private readonly metrics: LedgerMetrics) {}

  readonly report = (error: unknown): void => {
    this.metrics.projectionFailed();
    this.errors.report({
      key: errorKey('read side', error), level: 'warn', error, message: 'The read side could not follow the log; it retries',
    });
  };
}

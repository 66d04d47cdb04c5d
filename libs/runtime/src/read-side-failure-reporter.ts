import { Logger } from '@nestjs/common';

/**
 * Where the projection runner reports that it failed to follow the log (it retries by itself). The host decides what a
 * failure costs: the API counts and rate-limits them (its observability module provides this token), the CLI logs them.
 */
export abstract class ReadSideFailureReporter {
  abstract report(error: unknown): void;
}

/** For a host without metrics: each failure is a warning in the log. */
export class LoggedReadSideFailures extends ReadSideFailureReporter {
  private readonly logger = new Logger('ReadModels');

  report(error: unknown): void {
    this.logger.warn(`The read side could not follow the log; it retries: ${error instanceof Error ? error.message : String(error)}`);
  }
}

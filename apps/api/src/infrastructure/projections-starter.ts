import type { OnApplicationBootstrap } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import { ProjectionRunner } from '@chip-ledger/projections';

/** The read side follows the log for as long as the application runs. */
@Injectable()
export class ProjectionsStarter implements OnApplicationBootstrap {
  constructor(private readonly runner: ProjectionRunner) {}

  onApplicationBootstrap(): void {
    this.runner.start();
  }
}

import type { OnApplicationBootstrap } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import { LiveReadModels } from '@chip-ledger/projections';

/**
 * The read side follows the log for as long as the application runs. Starting fails (and with it the application)
 * when another process projects into the same read models.
 */
@Injectable()
export class ProjectionsStarter implements OnApplicationBootstrap {
  constructor(private readonly readModels: LiveReadModels) {}

  onApplicationBootstrap(): void {
    this.readModels.start();
  }
}

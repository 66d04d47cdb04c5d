import type { NestExpressApplication } from '@nestjs/platform-express';
import type { RequestHandler } from 'express';
import { Logger } from 'nestjs-pino';
import { REQUEST_OBSERVER } from './observability.module';

/**
 * Nest's own log lines go through pino, and every request is logged and measured. Called before the body parser is
 * mounted, so requests it refuses (bad JSON, too large) are logged and counted too.
 */
export const useObservability = (app: NestExpressApplication): void => {
  app.useLogger(app.get(Logger));
  app.use(app.get<RequestHandler>(REQUEST_OBSERVER));
};

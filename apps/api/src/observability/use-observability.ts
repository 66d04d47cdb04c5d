import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { REQUEST_OBSERVER } from './observability.module';
import type { RequestObserver } from './observe-requests';

/**
 * Nest's own log lines go through pino, and every request is logged and measured, from its first hook on: requests
 * refused before a route runs (bad JSON, too large, not found) are logged and counted too.
 */
export const useObservability = (app: NestFastifyApplication): void => {
  app.useLogger(app.get(Logger));
  const observe = app.get<RequestObserver>(REQUEST_OBSERVER);
  app.getHttpAdapter().getInstance().addHook('onRequest', (request, reply, done) => {
    observe(request, reply);
    done();
  });
};

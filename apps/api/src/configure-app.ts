import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { answerClientErrorsAsProblems } from './http/client-error-answers';
import { requireJsonBodies, verifyJsonBody } from './http/json-body-guard';
import type { LedgerConfig } from '@chip-ledger/runtime';
import { useObservability } from './observability/use-observability';
import { buildOpenApiDocument } from './openapi/openapi-document';

/** What main.ts and the end-to-end tests both apply, so tests run the server users run. */
export const configureApp = (app: NestExpressApplication, config: LedgerConfig): NestExpressApplication => {
  useObservability(app);
  app.use(requireJsonBodies);
  app.useBodyParser('json', { limit: config.bodyLimit, verify: verifyJsonBody });
  answerClientErrorsAsProblems(app.getHttpServer());
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  // Express's own ETag is a hash of the body, which clients would take for the stream revision that If-Match wants.
  app.set('etag', false);
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
};

import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import type { LedgerConfig } from './infrastructure/ledger-config';
import { useObservability } from './observability/use-observability';
import { buildOpenApiDocument } from './openapi/openapi-document';

/** What main.ts and the end-to-end tests both apply, so tests run the server users run. */
export const configureApp = (app: NestExpressApplication, config: LedgerConfig): NestExpressApplication => {
  useObservability(app);
  app.useBodyParser('json', { limit: config.bodyLimit });
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  // Express's own ETag is a hash of the body, which clients would take for the stream revision that If-Match wants.
  app.set('etag', false);
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
};

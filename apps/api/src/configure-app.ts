import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { LedgerConfig } from './infrastructure/ledger-config';

/** What main.ts and the end-to-end tests both apply, so tests run the server users run. */
export const configureApp = (app: NestExpressApplication, config: LedgerConfig): NestExpressApplication => {
  app.useBodyParser('json', { limit: config.bodyLimit });
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(app, new DocumentBuilder()
    .setTitle('chip-ledger')
    .setDescription([
      'Custody ledger for AI accelerators: where every chip is, who owns it, who holds it, how it got there, and what',
      'the ledger knew at any moment. Authenticate with an API key (Authorize, then "Bearer <key>").',
      'Errors are RFC 9457 problem+json. Writes return a `position`: pass it to a query as `?position=` to read your own write.',
    ].join(' '))
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key' })
    .build());
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
};

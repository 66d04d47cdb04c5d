import type { LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module';
import { answerUnmetExpectationsAsProblems } from './http/client-error-answers';
import { sendCommandAnswer } from './http/command-answer-headers';
import { inflateBody, parseJsonBody, refusedBody } from './http/json-body-guard';
import { ledgerHttpAdapter } from './http/ledger-http-adapter';
import type { LedgerConfig } from '@chip-ledger/runtime';
import { useObservability } from './observability/use-observability';
import { buildOpenApiDocument } from './openapi/openapi-document';

/** What main.ts and the end-to-end tests both apply, so tests run the server users run. */
export const configureApp = (app: NestFastifyApplication): NestFastifyApplication => {
  useObservability(app);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, _reply, done) => done(refusedBody(request.headers) ?? undefined));
  fastify.addHook('preParsing', (request, _reply, payload, done) => done(null, inflateBody(request.headers, payload)));
  // Fastify's own parsers (JSON, plain text) give way to the one the API reads bodies with.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, parseJsonBody);
  fastify.addHook('preSerialization', sendCommandAnswer);
  answerUnmetExpectationsAsProblems(app.getHttpServer());
  app.enableShutdownHooks();
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
};

export type CreateOptions = {
  /** Where the JSON log goes instead of standard output (a test reads it; the benchmark discards it). */
  readonly logDestination?: DestinationStream;
  /** Nest's own logger before pino takes over. */
  readonly logger?: LoggerService | LogLevel[] | false;
  readonly bufferLogs?: boolean;
  /** false: held-back lines wait for an explicit flushLogs (the runtime's serve), not for the first useLogger. */
  readonly autoFlushLogs?: boolean;
};

/** The API as `npm start`, the tests and the benchmark run it: the application module on Fastify, configured. */
export const createLedgerApp = async (config: LedgerConfig, { logDestination, logger, bufferLogs, autoFlushLogs }: CreateOptions = {}): Promise<NestFastifyApplication> =>
  configureApp(await NestFactory.create<NestFastifyApplication>(
    AppModule.register(config, { logDestination }), ledgerHttpAdapter(config), { bodyParser: false, logger, abortOnError: false, bufferLogs, autoFlushLogs },
  ));

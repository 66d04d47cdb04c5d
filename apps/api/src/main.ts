import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { AdminBootstrap } from './auth/admin-bootstrap';
import { configureApp } from './configure-app';
import { ledgerConfigFromEnv } from './infrastructure/ledger-config';

const bootstrap = async (): Promise<void> => {
  const config = ledgerConfigFromEnv();
  const app = configureApp(await NestFactory.create<NestExpressApplication>(AppModule.register(config), { bodyParser: false, bufferLogs: true }), config);
  await app.listen(config.port);
  await app.get(AdminBootstrap).ensureAdmin();
  const store = config.eventStoreConnectionString ? 'EventStoreDB' : `embedded store in ${config.dataDir}`;
  new Logger('chip-ledger').log(`Listening on http://localhost:${config.port} (API docs at /docs) on the ${store}`);
};

void bootstrap();

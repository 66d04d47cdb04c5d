import { Inject, Injectable, Logger } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type { Actor } from '@chip-ledger/domain';
import { LedgerCommandHandler } from '@chip-ledger/application';
import type { Clock, LedgerCommand } from '@chip-ledger/application';
import type { EventStore } from '@chip-ledger/event-store';
import { EVENT_STORE } from '@chip-ledger/event-store';
import { LedgerQueries, ProjectionRunner } from '@chip-ledger/projections';
import { CLOCK } from '../infrastructure/tokens';
import { latestLedgerPosition } from '../infrastructure/latest-ledger-position';
import { generateApiKey, hashApiKey } from './api-key-secret';

export const BOOTSTRAP_ADMIN_ID = 'admin';
const SYSTEM: Actor = { partyId: 'system', roles: ['admin'] };

/**
 * A fresh ledger has no party that could register the others. On first start the server registers an admin party,
 * issues it a key and shows the key once on standard output; the key itself is never logged or stored.
 */
@Injectable()
export class AdminBootstrap {
  private readonly logger = new Logger('AdminBootstrap');

  constructor(
    private readonly handler: LedgerCommandHandler,
    private readonly queries: LedgerQueries,
    private readonly runner: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Returns the new key, or null when an admin already has one. */
  async ensureAdmin(announce: (message: string) => void = (message) => process.stdout.write(message)): Promise<string | null> {
    const head = await latestLedgerPosition(this.store);
    if (head) await this.runner.waitForPosition(head, 30_000);
    if (this.queries.adminExists()) return null;
    const run = (type: LedgerCommand['type'], data: object) => {
      const now = this.clock.now().toISOString();
      return this.handler.execute({ type, data, metadata: { now, occurredAt: now, commandId: uuidv7(), actor: SYSTEM } } as LedgerCommand);
    };
    if (!this.queries.getParty(BOOTSTRAP_ADMIN_ID)) {
      await run('RegisterParty', { partyId: BOOTSTRAP_ADMIN_ID, name: 'Ledger administrator', roles: ['admin'], country: 'US' });
    }
    const apiKey = generateApiKey();
    await run('IssueApiKey', { partyId: BOOTSTRAP_ADMIN_ID, keyId: uuidv7(), secretHash: hashApiKey(apiKey) });
    this.logger.log('Issued the first admin API key (shown once on standard output)');
    announce([
      '',
      '  chip-ledger: first start. An admin API key was issued; it is shown this once and stored only as a hash.',
      `  ADMIN API KEY: ${apiKey}`,
      '  Use it as:  curl -H "Authorization: Bearer <key>" http://localhost:3000/me',
      '  Lost it? Stop the server and run: npm run cli -- admin-key   (issues a new one)',
      '',
      '',
    ].join('\n'));
    return apiKey;
  }
}

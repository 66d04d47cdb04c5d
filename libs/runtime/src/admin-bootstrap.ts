import { Inject, Injectable, Logger } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { AlreadyRegistered, ledgerCommand, partyStream } from '@chip-ledger/domain';
import { LedgerCommandHandler, StaleRevision } from '@chip-ledger/application';
import type { Clock } from '@chip-ledger/application';
import type { EventStore } from '@chip-ledger/event-store';
import { EVENT_STORE } from '@chip-ledger/event-store';
import { SYSTEM_ACTOR, issueApiKey } from './issue-api-key';
import type { LedgerConfig } from './ledger-config';
import { CLOCK, LEDGER_CONFIG } from './tokens';

export const BOOTSTRAP_ADMIN_ID = 'admin';
/** Another instance bootstrapping the same store at the same moment: read again and decide again, this often. */
const MAX_ATTEMPTS = 3;

/** What the admin party's own stream says. */
type AdminStream = { readonly registered: boolean; readonly everIssuedKey: boolean; readonly revision: bigint | null };

/**
 * A fresh ledger has no party that could register the others. On first start the server registers an admin party,
 * issues it a key and shows the key once on standard output; the key itself is never logged or stored.
 *
 * It decides from the admin party's stream in the event store, never from the read models: those may be any distance
 * behind at start (a deleted read-model file, a schema change replaying the log), and deciding from them registered
 * the admin a second time. "First start" means the admin party has never been issued a key: once it has, a lost or
 * revoked key is replaced on purpose with `cli admin-key`, not by restarting. The key is issued with the stream's
 * revision as expected revision, so two instances starting on one store issue one key between them.
 */
@Injectable()
export class AdminBootstrap {
  private readonly logger = new Logger('AdminBootstrap');

  constructor(
    private readonly handler: LedgerCommandHandler,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  /** Returns the new key, or null when the admin party already had one. */
  async ensureAdmin(announce: (message: string) => void = (message) => process.stdout.write(message)): Promise<string | null> {
    for (let attempt = 1; ; attempt++) {
      try {
        const apiKey = await this.issueOnFirstStart();
        if (apiKey) this.announce(apiKey, announce);
        return apiKey;
      } catch (error) {
        // Another instance got there first: what it wrote decides.
        const raced = error instanceof AlreadyRegistered || error instanceof StaleRevision;
        if (!raced || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  private async issueOnFirstStart(): Promise<string | null> {
    let admin = await this.readAdminStream();
    if (admin.everIssuedKey) return null;
    if (!admin.registered) {
      await this.registerAdmin();
      admin = await this.readAdminStream();
    }
    const { apiKey } = await issueApiKey(this.handler, BOOTSTRAP_ADMIN_ID, { now: this.clock.now(), expectedRevision: admin.revision ?? undefined });
    this.logger.log('Issued the first admin API key (shown once on standard output)');
    return apiKey;
  }

  private async readAdminStream(): Promise<AdminStream> {
    const events = await this.store.readStream(partyStream(BOOTSTRAP_ADMIN_ID));
    return {
      registered: events.some((event) => event.type === 'PartyRegistered'),
      everIssuedKey: events.some((event) => event.type === 'ApiKeyIssued'),
      revision: events.at(-1)?.revision ?? null,
    };
  }

  private async registerAdmin(): Promise<void> {
    const now = this.clock.now().toISOString();
    const command = ledgerCommand('RegisterParty', { partyId: BOOTSTRAP_ADMIN_ID, name: 'Ledger administrator', roles: ['admin'], country: 'US' }, {
      now, occurredAt: now, commandId: uuidv7(), actor: SYSTEM_ACTOR,
    });
    await this.handler.execute(command);
  }

  private announce(apiKey: string, announce: (message: string) => void): void {
    announce([
      '',
      '  chip-ledger: first start. An admin API key was issued; it is shown this once and stored only as a hash.',
      `  ADMIN API KEY: ${apiKey}`,
      `  Use it as:  curl -H "Authorization: Bearer <key>" http://localhost:${this.config.port}/me`,
      '  Lost it? Stop the server and run: npm run cli -- admin-key   (issues a new one)',
      '',
      '',
    ].join('\n'));
  }
}

import { v7 as uuidv7 } from 'uuid';
import type { Actor } from '@chip-ledger/domain';
import { ledgerCommand } from '@chip-ledger/domain';
import type { CommandResult, LedgerCommandHandler } from '@chip-ledger/application';
import { generateApiKey, hashApiKey } from './api-key-secret';

/** The ledger itself, as the actor of what it does on its own (the first-start admin, `cli admin-key`). */
export const SYSTEM_ACTOR: Actor = { partyId: 'system', roles: ['admin'] };

export type IssuedApiKey = { readonly apiKey: string; readonly result: CommandResult };

/**
 * Issues a new API key to `partyId` as the system: the secret is returned once and only its hash is recorded.
 * `expectedRevision` of the party's stream makes two processes issuing at once issue one key between them.
 */
export const issueApiKey = async (
  handler: LedgerCommandHandler, partyId: string, { now = new Date(), expectedRevision }: { now?: Date; expectedRevision?: bigint } = {},
): Promise<IssuedApiKey> => {
  const apiKey = generateApiKey();
  const at = now.toISOString();
  const command = ledgerCommand('IssueApiKey', { partyId, keyId: uuidv7(), secretHash: hashApiKey(apiKey) }, {
    now: at, occurredAt: at, commandId: uuidv7(), actor: SYSTEM_ACTOR,
  });
  return { apiKey, result: await handler.execute(command, { expectedRevision }) };
};

import type { Actor } from '@chip-ledger/domain';
import { hasRole } from '@chip-ledger/domain';

/**
 * Investigators and admins read the whole ledger; every other party reads what the read side links it to
 * (`LedgerQueries.canSee`: what it owns or holds or once did, what it held at customs or saw cross its border, what
 * was shipped to its facilities).
 */
export const readsEverything = (actor: Actor): boolean => hasRole(actor, 'investigator', 'admin');

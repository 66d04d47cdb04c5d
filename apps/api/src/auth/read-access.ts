import type { Actor } from '@chip-ledger/domain';
import { hasRole } from '@chip-ledger/domain';

/** Investigators and admins read the whole ledger; every other party reads what it owns, holds, or once did. */
export const readsEverything = (actor: Actor): boolean => hasRole(actor, 'investigator', 'admin');

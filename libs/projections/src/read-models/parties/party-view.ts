import type { Role } from '@chip-ledger/domain';

export type PartyView = {
  readonly partyId: string;
  readonly name: string;
  readonly roles: readonly Role[];
  readonly country: string;
  readonly activeKeyIds: readonly string[];
};

export type ActiveApiKey = { readonly keyId: string; readonly partyId: string; readonly roles: readonly Role[] };

import type { Role } from '@chip-ledger/domain';
import { hasRole } from '@chip-ledger/domain';

/** Why a party may read an asset (asset_parties.relation). Visibility is never withdrawn. */
export const READ_RELATIONS = ['owner', 'custodian', 'customs', 'inbound', 'border'] as const;
export type ReadRelation = (typeof READ_RELATIONS)[number];

/**
 * Stands for the customs agencies of a country, whoever they are when asked (one registered after a shipment still
 * sees it). '@' cannot start a party id (ID_PATTERN), so an audience key never names a party.
 */
export const customsOf = (country: string): string => `@customs:${country}`;

/** The keys a party reads under: its own id, and a customs agency its country's too. */
export const readerKeys = (party: { readonly partyId: string; readonly roles: readonly Role[]; readonly country: string }): string[] =>
  hasRole({ partyId: party.partyId, roles: party.roles }, 'customs') ? [party.partyId, customsOf(party.country)] : [party.partyId];

/**
 * Who may read an asset because of one of its (or its outermost container's) events, beyond its owners and custodians:
 * the agency that held or cleared it; the operator of the facility it is shipped to; the customs agencies of the
 * countries a cross-border shipment leaves and enters. The contents of a container get the same links.
 */
export const readLinksOf = (
  type: string, data: Readonly<Record<string, unknown>>, operatorOf: (facilityId: string) => string | undefined,
): [string, ReadRelation][] => {
  switch (type) {
    case 'CustomsHeld':
    case 'CustomsCleared':
      return typeof data.agencyId === 'string' ? [[data.agencyId, 'customs']] : [];
    case 'AssetShipped': {
      const links: [string, ReadRelation][] = [];
      const operator = typeof data.toFacilityId === 'string' ? operatorOf(data.toFacilityId) : undefined;
      if (operator !== undefined) links.push([operator, 'inbound']);
      if (data.crossBorder === true) {
        for (const country of new Set([data.originCountry, data.destinationCountry])) {
          if (typeof country === 'string') links.push([customsOf(country), 'border']);
        }
      }
      return links;
    }
    default:
      return [];
  }
};

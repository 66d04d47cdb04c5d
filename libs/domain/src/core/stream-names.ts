/** One stream per asset, party and facility; the prefix is the category (`$ce-asset` on EventStoreDB). */
export const assetStream = (assetId: string): string => `asset-${assetId}`;
export const partyStream = (partyId: string): string => `party-${partyId}`;
export const facilityStream = (facilityId: string): string => `facility-${facilityId}`;

export const STREAM_CATEGORIES = ['asset', 'party', 'facility'] as const;

/** Asset, party and facility ids: printable, no spaces, safe in a URL path and a stream name. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

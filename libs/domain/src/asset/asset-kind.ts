export const ASSET_KINDS = ['chip', 'board', 'server', 'rack', 'pallet', 'crate'] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

/** Only units hold other assets; a chip is a leaf. */
export const isContainerKind = (kind: AssetKind): boolean => kind !== 'chip';

export const ASSET_STATUSES = ['at-facility', 'in-transit', 'installed', 'missing', 'decommissioned', 'destroyed'] as const;
export type AssetStatus = (typeof ASSET_STATUSES)[number];

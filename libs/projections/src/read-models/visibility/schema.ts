import { READ_RELATIONS } from '../../read-visibility';

/**
 * Read visibility, never withdrawn: every party that ever owned or (effectively, through containers too) held an
 * asset, the customs agencies that held or cleared it, the operators of the facilities it was shipped to. party_id
 * may also be an audience key that stands for whoever plays the part when asked: '@customs:<country>' for the
 * customs agencies of a country a shipment entered or left (the '@' is not allowed in party ids).
 */
export const VISIBILITY_SCHEMA = `
  CREATE TABLE asset_parties (
    party_id TEXT NOT NULL,
    asset_id TEXT NOT NULL,
    relation TEXT NOT NULL CHECK (relation IN (${READ_RELATIONS.map((relation) => `'${relation}'`).join(', ')})),
    PRIMARY KEY (party_id, asset_id, relation)
  ) WITHOUT ROWID;
`;

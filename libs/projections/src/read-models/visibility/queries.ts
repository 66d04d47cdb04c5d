import type Database from 'better-sqlite3';
import type { Role } from '@chip-ledger/domain';
import { readerKeys } from '../../read-visibility';

/** The assets readable under a JSON array of audience keys (the one parameter): for `asset_id IN (...)`. */
export const VISIBLE_ASSET_IDS = 'SELECT p.asset_id FROM asset_parties p WHERE p.party_id IN (SELECT value FROM json_each(?))';

/** Who may read what. */
export class VisibilityQueries {
  private readonly canSeeStatement: Database.Statement<[string, string], number>;

  /** `partyOf`: a registered party's roles and country (PartyQueries). */
  constructor(db: Database.Database, private readonly partyOf: (partyId: string) => { roles: readonly Role[]; country: string } | null) {
    this.canSeeStatement = db.prepare<[string, string], number>(`SELECT 1 FROM asset_parties
      WHERE party_id IN (SELECT value FROM json_each(?)) AND asset_id = ? LIMIT 1`).pluck();
  }

  /**
   * Whether the party may read the asset: it owns or holds it or once did (directly or through a container); as a
   * customs agency, it held or cleared it, or it was shipped into or out of the agency's country; as an operator, it
   * was shipped to one of its facilities. Contents of a container get what the container gets.
   */
  canSee(partyId: string, assetId: string): boolean {
    return this.canSeeStatement.get(JSON.stringify(this.readerKeysOf(partyId)), assetId) !== undefined;
  }

  /** The audience keys the party reads under (its own id; a customs agency its country's too). */
  readerKeysOf(partyId: string): string[] {
    const party = this.partyOf(partyId);
    return party ? readerKeys({ partyId, roles: party.roles, country: party.country }) : [partyId];
  }
}

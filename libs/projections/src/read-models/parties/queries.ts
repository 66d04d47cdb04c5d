import type Database from 'better-sqlite3';
import type { Role } from '@chip-ledger/domain';
import type { ActiveApiKey, PartyView } from './party-view';

type PartyRow = { party_id: string; name: string; roles: string; country: string };

/** Parties and the keys they sign in with. */
export class PartyQueries {
  private readonly party: Database.Statement<[string], PartyRow>;
  private readonly activeKeyIds: Database.Statement<[string], string>;
  private readonly apiKey: Database.Statement<[string], { key_id: string; party_id: string; roles: string }>;
  private readonly adminExistsStatement: Database.Statement<[], number>;

  constructor(db: Database.Database) {
    this.party = db.prepare<[string], PartyRow>('SELECT party_id, name, roles, country FROM parties WHERE party_id = ?');
    this.activeKeyIds = db.prepare<[string], string>(
      'SELECT key_id FROM api_keys WHERE party_id = ? AND revoked_at IS NULL ORDER BY issued_at, key_id').pluck();
    this.apiKey = db.prepare(`
      SELECT k.key_id, k.party_id, p.roles FROM api_keys k JOIN parties p ON p.party_id = k.party_id
      WHERE k.secret_hash = ? AND k.revoked_at IS NULL`);
    this.adminExistsStatement = db.prepare<[], number>(`
      SELECT 1 FROM parties p WHERE EXISTS (SELECT 1 FROM json_each(p.roles) r WHERE r.value = 'admin')
        AND EXISTS (SELECT 1 FROM api_keys k WHERE k.party_id = p.party_id AND k.revoked_at IS NULL) LIMIT 1`).pluck();
  }

  getParty(partyId: string): PartyView | null {
    const row = this.party.get(partyId);
    if (!row) return null;
    return {
      partyId: row.party_id, name: row.name, roles: JSON.parse(row.roles) as Role[], country: row.country,
      activeKeyIds: this.activeKeyIds.all(partyId),
    };
  }

  /** A registered party's roles and country, without its keys; null if unknown. */
  rolesOf(partyId: string): { roles: Role[]; country: string } | null {
    const row = this.party.get(partyId);
    return row ? { roles: JSON.parse(row.roles) as Role[], country: row.country } : null;
  }

  /** The party and roles behind an unrevoked key, by the hash of its secret; null if unknown or revoked. */
  findActiveApiKey(secretHash: string): ActiveApiKey | null {
    const row = this.apiKey.get(secretHash);
    return row ? { keyId: row.key_id, partyId: row.party_id, roles: JSON.parse(row.roles) as Role[] } : null;
  }

  /** Whether some party with the admin role has an unrevoked key. */
  adminExists(): boolean {
    return this.adminExistsStatement.get() !== undefined;
  }
}

import type Database from 'better-sqlite3';
import type { ReadModelProjection } from '../read-model';

export const projectParties = (db: Database.Database): ReadModelProjection => {
  const upsertParty = db.prepare('INSERT OR REPLACE INTO parties (party_id, name, roles, country) VALUES (?, ?, ?, ?)');
  const insertApiKey = db.prepare(
    'INSERT OR IGNORE INTO api_keys (key_id, party_id, secret_hash, issued_at, revoked_at) VALUES (?, ?, ?, ?, NULL)');
  const revokeApiKey = db.prepare('UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND party_id = ? AND revoked_at IS NULL');
  return {
    on: {
      'party-registered': ({ partyId, name, roles, country }) => upsertParty.run(partyId, name, JSON.stringify(roles), country),
      'api-key-issued': ({ keyId, partyId, secretHash, context }) => insertApiKey.run(keyId, partyId, secretHash, context.recordedAt),
      'api-key-revoked': ({ keyId, partyId, context }) => revokeApiKey.run(context.recordedAt, keyId, partyId),
    },
  };
};

/** Registered parties, and their API keys (a key is found by the hash of its secret). */
export const PARTIES_SCHEMA = `
  CREATE TABLE parties (
    party_id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    roles TEXT NOT NULL,
    country TEXT NOT NULL
  );

  CREATE TABLE api_keys (
    key_id TEXT NOT NULL PRIMARY KEY,
    party_id TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    issued_at TEXT NOT NULL,
    revoked_at TEXT
  );
  CREATE INDEX api_keys_by_party ON api_keys (party_id);
`;

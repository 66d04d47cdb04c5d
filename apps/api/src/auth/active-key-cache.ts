import type { ActiveApiKey } from '@chip-ledger/projections';
import type { ReadModelDb } from '@chip-ledger/projections';

/** Bounds memory: past this many distinct keys the cache starts over (only keys that were found are ever kept). */
const MAX_ENTRIES = 10_000;

const caches = new WeakMap<ReadModelDb, ActiveKeyCache>();

/**
 * Active API keys as the read model last said, by secret hash, so a request does not look its key up in SQLite.
 *
 * Sound because a cached answer can only go stale when the api_keys or parties rows change (a revocation, a rebuild,
 * a party's row replaced), and those rows change only through the read-model connection of this process (the
 * projection; read models are local to an instance). TEMP triggers on that connection call back into this process in
 * the same transaction as the change, which empties the cache: a revoked key is refused from the moment the read
 * model has the revocation, as before. Only keys found are cached; unknown keys go to the read model every time.
 */
export class ActiveKeyCache {
  private readonly entries = new Map<string, ActiveApiKey>();

  private constructor(db: ReadModelDb) {
    const connection = db.connection;
    connection.function('chip_ledger_api_keys_changed', { deterministic: false, varargs: false }, () => {
      this.entries.clear();
      return null;
    });
    for (const table of ['api_keys', 'parties']) {
      for (const change of ['INSERT', 'UPDATE', 'DELETE']) {
        connection.exec(`CREATE TEMP TRIGGER IF NOT EXISTS chip_ledger_${table}_${change.toLowerCase()}_invalidates_key_cache
          AFTER ${change} ON main.${table} BEGIN SELECT chip_ledger_api_keys_changed(); END`);
      }
    }
  }

  /** One cache per read-model connection (its triggers call the function registered on that connection). */
  static for(db: ReadModelDb): ActiveKeyCache {
    let cache = caches.get(db);
    if (!cache) {
      cache = new ActiveKeyCache(db);
      caches.set(db, cache);
    }
    return cache;
  }

  find(secretHash: string, lookUp: (secretHash: string) => ActiveApiKey | null): ActiveApiKey | null {
    const cached = this.entries.get(secretHash);
    if (cached) return cached;
    const found = lookUp(secretHash);
    if (found) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
      this.entries.set(secretHash, found);
    }
    return found;
  }
}

import type Database from 'better-sqlite3';
import { BulkInsert } from '../../bulk-insert';
import type { ReadModelProjection } from '../read-model';

/** Party links of the batch, deduplicated and written in key order at its end (sorted B-tree inserts are cheap). */
export const projectVisibility = (db: Database.Database): ReadModelProjection => {
  const rows = new BulkInsert(db, 'asset_parties', ['party_id', 'asset_id', 'relation'], { orIgnore: true });
  /** party id -> `${assetId}\0${relation}` */
  const links = new Map<string, Set<string>>();
  return {
    on: {
      'party-linked': ({ partyId, assetId, relation }) => {
        const link = `${assetId}\u0000${relation}`;
        const set = links.get(partyId);
        if (set) set.add(link);
        else links.set(partyId, new Set([link]));
      },
    },
    flush: () => {
      for (const partyId of [...links.keys()].sort()) {
        for (const link of [...(links.get(partyId) as Set<string>)].sort()) {
          const separator = link.indexOf('\u0000');
          rows.add([partyId, link.slice(0, separator), link.slice(separator + 1)]);
        }
      }
      links.clear();
      rows.flush();
    },
    discard: () => {
      links.clear();
      rows.discard();
    },
  };
};

import type Database from 'better-sqlite3';
import type { ReadModelProjection } from '../read-model';

export const projectFacilities = (db: Database.Database): ReadModelProjection => {
  const upsert = db.prepare('INSERT OR REPLACE INTO facilities (facility_id, name, kind, country, operator_id) VALUES (?, ?, ?, ?, ?)');
  return {
    on: {
      'facility-registered': ({ facilityId, name, kind, country, operatorId }) => upsert.run(facilityId, name, kind, country, operatorId),
    },
  };
};

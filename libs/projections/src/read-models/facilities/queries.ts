import type Database from 'better-sqlite3';
import type { FacilityKind } from '@chip-ledger/domain';
import type { FacilityView } from './facility-view';

type FacilityRow = { facility_id: string; name: string; kind: FacilityKind; country: string; operator_id: string };

const toView = (row: FacilityRow): FacilityView =>
  ({ facilityId: row.facility_id, name: row.name, kind: row.kind, country: row.country, operatorId: row.operator_id });

export class FacilityQueries {
  private readonly facility: Database.Statement<[string], FacilityRow>;
  private readonly all: Database.Statement<[], FacilityRow>;

  constructor(db: Database.Database) {
    this.facility = db.prepare<[string], FacilityRow>('SELECT facility_id, name, kind, country, operator_id FROM facilities WHERE facility_id = ?');
    this.all = db.prepare<[], FacilityRow>('SELECT facility_id, name, kind, country, operator_id FROM facilities');
  }

  getFacility(facilityId: string): FacilityView | null {
    const row = this.facility.get(facilityId);
    return row ? toView(row) : null;
  }

  /** Every facility (the projector keeps their countries and operators at hand). */
  allFacilities(): FacilityView[] {
    return this.all.all().map(toView);
  }
}

/** Assets effectively at each facility, by kind, model and status; maintained by deltas as assets move. */
export const INVENTORY_SCHEMA = `
  CREATE TABLE facility_inventory (
    facility_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    model TEXT NOT NULL,
    status TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (facility_id, kind, model, status)
  ) WITHOUT ROWID;
`;

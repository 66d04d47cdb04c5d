export const FACILITIES_SCHEMA = `
  CREATE TABLE facilities (
    facility_id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    country TEXT NOT NULL,
    operator_id TEXT NOT NULL
  );
`;

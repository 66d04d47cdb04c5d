import type { ReadModel } from '../read-model';
import { projectFacilities } from './projector';
import { FACILITIES_SCHEMA } from './schema';

export const FACILITIES_READ_MODEL: ReadModel = {
  name: 'facilities', schema: FACILITIES_SCHEMA, tables: ['facilities'], project: projectFacilities,
};

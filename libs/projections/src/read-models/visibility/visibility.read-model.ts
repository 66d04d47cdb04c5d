import type { ReadModel } from '../read-model';
import { projectVisibility } from './projector';
import { VISIBILITY_SCHEMA } from './schema';

export const VISIBILITY_READ_MODEL: ReadModel = {
  name: 'visibility', schema: VISIBILITY_SCHEMA, tables: ['asset_parties'], project: projectVisibility,
};

import type { ReadModel } from '../read-model';
import { projectAssets } from './projector';
import { ASSETS_INDEXES, ASSETS_SCHEMA } from './schema';

export const ASSETS_READ_MODEL: ReadModel = {
  name: 'assets', schema: ASSETS_SCHEMA, tables: ['assets'], secondaryIndexes: ASSETS_INDEXES, project: projectAssets,
};

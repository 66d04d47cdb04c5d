import type { ReadModel } from '../read-model';
import { projectTimeline } from './projector';
import { TIMELINE_INDEXES, TIMELINE_SCHEMA } from './schema';

export const TIMELINE_READ_MODEL: ReadModel = {
  name: 'timeline', schema: TIMELINE_SCHEMA, tables: ['asset_events', 'containment'], secondaryIndexes: TIMELINE_INDEXES,
  project: projectTimeline,
};

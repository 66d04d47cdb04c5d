import type { ReadModel } from '../read-model';
import { projectParties } from './projector';
import { PARTIES_SCHEMA } from './schema';

export const PARTIES_READ_MODEL: ReadModel = {
  name: 'parties', schema: PARTIES_SCHEMA, tables: ['parties', 'api_keys'], project: projectParties,
};

import type { ReadModel } from '../read-model';
import { projectInventory } from './projector';
import { INVENTORY_SCHEMA } from './schema';

export const INVENTORY_READ_MODEL: ReadModel = {
  name: 'inventory', schema: INVENTORY_SCHEMA, tables: ['facility_inventory'], project: projectInventory,
};

import { ASSETS_READ_MODEL } from './assets/assets.read-model';
import { FACILITIES_READ_MODEL } from './facilities/facilities.read-model';
import { INVENTORY_READ_MODEL } from './inventory/inventory.read-model';
import { PARTIES_READ_MODEL } from './parties/parties.read-model';
import type { ReadModel } from './read-model';
import { TIMELINE_READ_MODEL } from './timeline/timeline.read-model';
import { VISIBILITY_READ_MODEL } from './visibility/visibility.read-model';

/**
 * Every read model the projector writes, in the order it tells them about each change. A new read model is a folder
 * next to these (schema, projector, queries, view) and a line here; bump READ_MODEL_SCHEMA_VERSION with it.
 */
export const READ_MODELS: readonly ReadModel[] = [
  ASSETS_READ_MODEL, TIMELINE_READ_MODEL, VISIBILITY_READ_MODEL, INVENTORY_READ_MODEL, PARTIES_READ_MODEL, FACILITIES_READ_MODEL,
];

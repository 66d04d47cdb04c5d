import catalogueV1 from './accelerator-catalogue.v1.json';
import { parseAcceleratorCatalogue } from './accelerator-catalogue';
import type { AcceleratorModel } from './accelerator-catalogue';

export type { AcceleratorModel, Citation } from './accelerator-catalogue';

/**
 * Reference data for compute accounting and export-control classification, from the versioned, cited data file
 * (accelerator-catalogue.v1.json). Checked once at module load: a malformed or uncited figure stops the process at
 * start, never a request.
 */
export const ACCELERATOR_MODELS: readonly AcceleratorModel[] = parseAcceleratorCatalogue(catalogueV1);

const byId = new Map(ACCELERATOR_MODELS.map((model) => [model.id, model]));

export const findAcceleratorModel = (id: string): AcceleratorModel | undefined => byId.get(id);

import type { ReadModelDb } from './read-model-db';
import { AssetQueries } from './read-models/assets/queries';
import type { AssetDetail, AssetFilter, AssetView, Page, PageRequest } from './read-models/assets/asset-view';
import { FacilityQueries } from './read-models/facilities/queries';
import type { FacilityView } from './read-models/facilities/facility-view';
import { InventoryQueries } from './read-models/inventory/queries';
import type { FacilityInventory } from './read-models/inventory/inventory-view';
import { PartyQueries } from './read-models/parties/queries';
import type { ActiveApiKey, PartyView } from './read-models/parties/party-view';
import { TimelineQueries } from './read-models/timeline/queries';
import type { AssetHistory, HistoryOptions } from './read-models/timeline/timeline-view';
import { VisibilityQueries } from './read-models/visibility/queries';

export { InvalidCursor, MAX_PAGE_SIZE } from './read-models/assets/queries';
export { InvalidTime } from './read-models/timeline/queries';

/**
 * The queries the API and the CLI answer from the read models, each from its read model's folder: synchronous, one
 * prepared statement each (list queries: one per combination of filters, prepared on first use).
 */
export class LedgerQueries {
  readonly assets: AssetQueries;
  readonly timeline: TimelineQueries;
  readonly visibility: VisibilityQueries;
  readonly inventory: InventoryQueries;
  readonly parties: PartyQueries;
  readonly facilities: FacilityQueries;

  constructor(readModels: ReadModelDb) {
    const db = readModels.connection;
    this.parties = new PartyQueries(db);
    this.visibility = new VisibilityQueries(db, (partyId) => this.parties.rolesOf(partyId));
    this.assets = new AssetQueries(db, (partyId) => this.visibility.readerKeysOf(partyId));
    this.timeline = new TimelineQueries(db);
    this.inventory = new InventoryQueries(db);
    this.facilities = new FacilityQueries(db);
  }

  /** See AssetQueries.getAsset. */
  getAsset(assetId: string): AssetDetail | null {
    return this.assets.getAsset(assetId);
  }

  /** See AssetQueries.listAssets. */
  listAssets(filter: AssetFilter, page: PageRequest): Page<AssetView> {
    return this.assets.listAssets(filter, page);
  }

  /** See TimelineQueries.history. */
  history(assetId: string, options: HistoryOptions = {}): AssetHistory {
    return this.timeline.history(assetId, options);
  }

  /** See InventoryQueries.facilityInventory. */
  facilityInventory(facilityId: string): FacilityInventory {
    return this.inventory.facilityInventory(facilityId);
  }

  getFacility(facilityId: string): FacilityView | null {
    return this.facilities.getFacility(facilityId);
  }

  getParty(partyId: string): PartyView | null {
    return this.parties.getParty(partyId);
  }

  /** See PartyQueries.findActiveApiKey. */
  findActiveApiKey(secretHash: string): ActiveApiKey | null {
    return this.parties.findActiveApiKey(secretHash);
  }

  /** See VisibilityQueries.canSee. */
  canSee(partyId: string, assetId: string): boolean {
    return this.visibility.canSee(partyId, assetId);
  }

  /** See PartyQueries.adminExists. */
  adminExists(): boolean {
    return this.parties.adminExists();
  }
}

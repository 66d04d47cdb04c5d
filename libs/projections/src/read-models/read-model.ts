import type Database from 'better-sqlite3';
import type { FacilityKind, Role } from '@chip-ledger/domain';
import type { AssetChange, EventContext } from '../asset-graph/asset-changes';

/** Registrations, as the read models see them (they do not go through the asset graph). */
export type RegistryChange =
  | { readonly type: 'party-registered'; readonly partyId: string; readonly name: string; readonly roles: readonly Role[]; readonly country: string }
  | { readonly type: 'api-key-issued'; readonly keyId: string; readonly partyId: string; readonly secretHash: string; readonly context: EventContext }
  | { readonly type: 'api-key-revoked'; readonly keyId: string; readonly partyId: string; readonly context: EventContext }
  | {
    readonly type: 'facility-registered'; readonly facilityId: string; readonly name: string; readonly kind: FacilityKind;
    readonly country: string; readonly operatorId: string;
  };

/** Everything a read model may be told about, in log order (AssetChange explains the asset side). */
export type LedgerChange = AssetChange | RegistryChange;

export type LedgerChangeType = LedgerChange['type'];

/** Handlers of the changes a read model cares about; it is told nothing else. */
export type ChangeHandlers = { readonly [T in LedgerChangeType]?: (change: Extract<LedgerChange, { readonly type: T }>) => void };

/**
 * A read model's writer for one read-model file. Handlers run inside the batch's transaction (opened by the
 * projector, with the checkpoint); a model that buffers writes them in `flush`, at the end of the batch, still inside it.
 */
export type ReadModelProjection = {
  readonly on: ChangeHandlers;
  readonly flush?: () => void;
  /** The batch failed: drop what was buffered. */
  readonly discard?: () => void;
};

/**
 * An index built after the tables; a rebuild drops it after its first batch and builds it again at its end, unless the
 * projector itself reads through it (`projectorReads`: kept up to date all along).
 */
export type SecondaryIndex = { readonly name: string; readonly on: string; readonly unique?: true; readonly projectorReads?: true };

/**
 * One read model: its tables (it alone writes them), how it writes them, and (next to it, in its folder) the queries
 * that read them. Registered in READ_MODELS.
 */
export type ReadModel = {
  readonly name: string;
  /** The SQL that creates its tables (and any index that must always be there). */
  readonly schema: string;
  /** Its tables, emptied by a rebuild. */
  readonly tables: readonly string[];
  readonly secondaryIndexes?: readonly SecondaryIndex[];
  readonly project: (db: Database.Database) => ReadModelProjection;
};

import type Database from 'better-sqlite3';
import type {
  AssetFlag, AssetKind, AssetStatus, CustomsHold, FacilityKind, Installation, Role, Shipment,
} from '@chip-ledger/domain';
import { findAcceleratorModel, isObservation } from '@chip-ledger/domain';
import type { ReadModelDb } from './read-model-db';
import { readerKeys } from './read-visibility';
import type {
  ActiveApiKey, AssetDetail, AssetFilter, AssetHistory, AssetSnapshot, AssetView, FacilityInventory, FacilityView,
  HistoryOptions, InventoryLine, Page, PageRequest, PartyView, TimelineEntry,
} from './read-model.types';

/** A cursor that no page of `listAssets` handed out. */
export class InvalidCursor extends Error {
  readonly code = 'invalid-cursor';
  constructor(readonly cursor: string) {
    super('The cursor is not one returned by a previous page');
    this.name = 'InvalidCursor';
  }
}

/** A time bound that is not a date. */
export class InvalidTime extends Error {
  readonly code = 'invalid-time';
  constructor(readonly field: string, readonly value: string) {
    super(`${field} ${value} is not an ISO 8601 date-time`);
    this.name = 'InvalidTime';
  }
}

export const MAX_PAGE_SIZE = 1000;

type AssetRow = {
  asset_id: string; kind: AssetKind; model: string; serial_number: string | null; manufacturer_id: string;
  status: AssetStatus; own_status: AssetStatus; facility_id: string | null; country: string | null; owner_id: string;
  custodian_id: string; parent_id: string | null; root_id: string; flags: string; customs_hold: string | null;
  shipment: string | null; installation: string | null; last_event_type: string; last_occurred_at: string;
  last_recorded_at: string; last_position: string; revision: number;
};

type TimelineRow = {
  position: string; event_id: string; event_type: string; via_asset_id: string | null; occurred_at: string;
  recorded_at: string; actor: string | null; data: string; s_status: AssetStatus; s_facility_id: string | null;
  s_country: string | null; s_owner_id: string; s_custodian_id: string; s_parent_id: string | null; s_root_id: string;
};

const ASSET_COLUMNS = `a.asset_id, a.kind, a.model, a.serial_number, a.manufacturer_id, a.status, a.own_status,
  a.facility_id, a.country, a.owner_id, a.custodian_id, a.parent_id, a.root_id, a.flags, a.customs_hold, a.shipment,
  a.installation, a.last_event_type, a.last_occurred_at, a.last_recorded_at, a.last_position, a.revision`;

/** Filter fields and their columns, in the order they appear in the generated SQL. */
const FILTER_COLUMNS = [
  ['ownerId', 'owner_id'], ['custodianId', 'custodian_id'], ['facilityId', 'facility_id'], ['country', 'country'],
  ['status', 'status'], ['model', 'model'], ['kind', 'kind'], ['containerId', 'parent_id'],
  ['serialNumber', 'serial_number'], ['manufacturerId', 'manufacturer_id'],
] as const satisfies readonly (readonly [keyof AssetFilter, string])[];

const parse = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

const toAssetView = (row: AssetRow): AssetView => ({
  assetId: row.asset_id,
  kind: row.kind,
  model: row.model,
  serialNumber: row.serial_number,
  manufacturerId: row.manufacturer_id,
  status: row.status,
  ownStatus: row.own_status,
  facilityId: row.facility_id,
  country: row.country,
  ownerId: row.owner_id,
  custodianId: row.custodian_id,
  parentId: row.parent_id,
  rootId: row.root_id,
  flags: JSON.parse(row.flags) as AssetFlag[],
  customsHold: parse<CustomsHold>(row.customs_hold),
  shipment: parse<Shipment>(row.shipment),
  installation: parse<Installation>(row.installation),
  lastEventType: row.last_event_type,
  lastOccurredAt: row.last_occurred_at,
  lastRecordedAt: row.last_recorded_at,
  lastPosition: row.last_position,
  revision: row.revision,
});

const toSnapshot = (row: TimelineRow): AssetSnapshot => ({
  status: row.s_status,
  facilityId: row.s_facility_id,
  country: row.s_country,
  ownerId: row.s_owner_id,
  custodianId: row.s_custodian_id,
  parentId: row.s_parent_id,
  rootId: row.s_root_id,
});

const toEntry = (row: TimelineRow, snapshot: AssetSnapshot): TimelineEntry => ({
  position: row.position,
  eventId: row.event_id,
  eventType: row.event_type,
  viaAssetId: row.via_asset_id,
  occurredAt: row.occurred_at,
  recordedAt: row.recorded_at,
  actor: row.actor,
  data: JSON.parse(row.data) as Record<string, unknown>,
  snapshot,
});

const CURSOR_PREFIX = 'a1:';
const encodeCursor = (assetId: string): string => Buffer.from(CURSOR_PREFIX + assetId, 'utf8').toString('base64url');
const decodeCursor = (cursor: string): string => {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(CURSOR_PREFIX) || encodeCursor(text.slice(CURSOR_PREFIX.length)) !== cursor) throw new InvalidCursor(cursor);
  return text.slice(CURSOR_PREFIX.length);
};

const isoBound = (field: string, value: string | undefined): string | null => {
  if (value === undefined) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidTime(field, value);
  return new Date(ms).toISOString();
};

/** Statuses whose chips no longer count as compute on site. */
const RETIRED: ReadonlySet<string> = new Set(['decommissioned', 'destroyed']);

/**
 * The queries the API and the CLI answer from the read models: synchronous, one prepared statement each (list
 * queries: one per combination of filters, prepared on first use).
 */
export class LedgerQueries {
  private readonly db: Database.Database;
  private readonly listStatements = new Map<string, Database.Statement<unknown[], AssetRow>>();
  private readonly statements;

  constructor(readModels: ReadModelDb) {
    const db = (this.db = readModels.connection);
    this.statements = {
      asset: db.prepare<[string], AssetRow>(`SELECT ${ASSET_COLUMNS} FROM assets a WHERE a.asset_id = ?`),
      children: db.prepare<[string], string>('SELECT asset_id FROM assets WHERE parent_id = ? ORDER BY asset_id').pluck(),
      timeline: db.prepare<[{ assetId: string; asOf: string | null; knownAt: string | null }], TimelineRow>(`
        SELECT CASE WHEN e.pos_commit = e.pos_prepare THEN CAST(e.pos_commit AS TEXT) ELSE e.pos_commit || '-' || e.pos_prepare END
            AS position,
          e.event_id, e.event_type, t.via_asset_id, e.occurred_at, e.recorded_at, e.actor, e.data,
          t.s_status, t.s_facility_id, t.s_country, t.s_owner_id, t.s_custodian_id, t.s_parent_id, t.s_root_id
        FROM timeline t JOIN asset_events e ON e.pos_commit = t.pos_commit AND e.pos_prepare = t.pos_prepare
        WHERE t.asset_id = @assetId AND (@asOf IS NULL OR e.occurred_at <= @asOf) AND (@knownAt IS NULL OR e.recorded_at <= @knownAt)
        ORDER BY e.occurred_at, t.pos_commit, t.pos_prepare`),
      inventory: db.prepare<[string], { kind: AssetKind; model: string; status: AssetStatus; count: number }>(
        'SELECT kind, model, status, count FROM facility_inventory WHERE facility_id = ? AND count > 0 ORDER BY kind, model, status'),
      facility: db.prepare<[string], { facility_id: string; name: string; kind: FacilityKind; country: string; operator_id: string }>(
        'SELECT facility_id, name, kind, country, operator_id FROM facilities WHERE facility_id = ?'),
      party: db.prepare<[string], { party_id: string; name: string; roles: string; country: string }>(
        'SELECT party_id, name, roles, country FROM parties WHERE party_id = ?'),
      activeKeyIds: db.prepare<[string], string>(
        'SELECT key_id FROM api_keys WHERE party_id = ? AND revoked_at IS NULL ORDER BY issued_at, key_id').pluck(),
      apiKey: db.prepare<[string], { key_id: string; party_id: string; roles: string }>(`
        SELECT k.key_id, k.party_id, p.roles FROM api_keys k JOIN parties p ON p.party_id = k.party_id
        WHERE k.secret_hash = ? AND k.revoked_at IS NULL`),
      canSee: db.prepare<[string, string], number>(`SELECT 1 FROM asset_parties
        WHERE party_id IN (SELECT value FROM json_each(?)) AND asset_id = ? LIMIT 1`).pluck(),
      adminExists: db.prepare<[], number>(`
        SELECT 1 FROM parties p WHERE EXISTS (SELECT 1 FROM json_each(p.roles) r WHERE r.value = 'admin')
          AND EXISTS (SELECT 1 FROM api_keys k WHERE k.party_id = p.party_id AND k.revoked_at IS NULL) LIMIT 1`).pluck(),
    };
  }

  /** An asset as the world sees it (effective state; see AssetView), with its direct contents; null if unknown. */
  getAsset(assetId: string): AssetDetail | null {
    const row = this.statements.asset.get(assetId);
    if (!row) return null;
    return { ...toAssetView(row), childIds: this.statements.children.all(assetId) };
  }

  /**
   * Assets matching every given filter (effective values: a chip in a rack is at the rack's facility), by asset id,
   * `limit` at a time (capped at MAX_PAGE_SIZE). Keyset pagination: pass `nextCursor` back as `after`; pages stay
   * stable while assets are added or change. Throws InvalidCursor for a cursor it did not issue.
   */
  listAssets(filter: AssetFilter, page: PageRequest): Page<AssetView> {
    if (!Number.isInteger(page.limit) || page.limit < 1) throw new RangeError(`limit must be a positive integer, not ${page.limit}`);
    const limit = Math.min(page.limit, MAX_PAGE_SIZE);
    const after = page.after === undefined || page.after === '' ? null : decodeCursor(page.after);
    const params: unknown[] = [];
    const where: string[] = [];
    let key = '';
    for (const [field, column] of FILTER_COLUMNS) {
      const value = filter[field];
      if (value === undefined || value === null) continue;
      where.push(`a.${column} = ?`);
      params.push(value);
      key += `${field},`;
    }
    const visibleTo = filter.visibleTo ?? null;
    if (after !== null) {
      where.push('a.asset_id > ?');
      params.push(after);
      key += 'after,';
    }
    let statement = this.listStatements.get(`${key}|${visibleTo !== null}`);
    if (!statement) {
      const conditions = where.length ? `WHERE ${where.join(' AND ')}` : '';
      // Visibility drives the scan from the party's links (few, in asset order) rather than probing every asset.
      const sql = visibleTo !== null
        ? `SELECT ${ASSET_COLUMNS} FROM assets a
           WHERE a.asset_id IN (SELECT p.asset_id FROM asset_parties p WHERE p.party_id IN (SELECT value FROM json_each(?)))
           ${where.length ? `AND ${where.join(' AND ')}` : ''} ORDER BY a.asset_id LIMIT ?`
        : `SELECT ${ASSET_COLUMNS} FROM assets a ${conditions} ORDER BY a.asset_id LIMIT ?`;
      statement = this.db.prepare<unknown[], AssetRow>(sql);
      this.listStatements.set(`${key}|${visibleTo !== null}`, statement);
    }
    const rows = visibleTo !== null
      ? statement.all(JSON.stringify(this.readerKeysOf(visibleTo)), ...params, limit + 1)
      : statement.all(...params, limit + 1);
    const items = rows.slice(0, limit).map(toAssetView);
    return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].assetId) : null };
  }

  /**
   * The asset's timeline (own events, and its containers' events while it was inside them) in business-time order
   * (ties: log order), limited to entries that occurred by `asOf` (business time) and/or were recorded by `knownAt`
   * (ledger time). `state` is the state after the last entry: the answer folds what the ledger knew at `knownAt`
   * in business-time order.
   *
   * Each entry's snapshot is the state the projection computed when it recorded the entry. For a change that is
   * exactly the business-time fold up to it: the domain refuses a change dated before the latest change of anything
   * it affects (containers' moves included), so changes are recorded in business-time order. An observation (a
   * location attestation) changes nothing and may be recorded late, after later changes: its recorded snapshot is the
   * state at its recording, so here it carries the state of the change before it in business time instead. A late
   * observation therefore neither rewinds nor advances the answer for any time. null when no entry qualifies (the
   * asset did not exist yet, or was not known yet).
   */
  history(assetId: string, options: HistoryOptions = {}): AssetHistory {
    const asOf = isoBound('asOf', options.asOf);
    const knownAt = isoBound('knownAt', options.knownAt);
    const rows = this.statements.timeline.all({ assetId, asOf, knownAt });
    let state: AssetSnapshot | null = null;
    const entries = rows.map((row) => {
      if (state === null || !isObservation(row.event_type)) state = toSnapshot(row);
      return toEntry(row, state);
    });
    return { assetId, entries, state };
  }

  /** Assets effectively at the facility (contents of containers there included), counted by kind, model and status. */
  facilityInventory(facilityId: string): FacilityInventory {
    const lines = this.statements.inventory.all(facilityId);
    const byKind: Partial<Record<AssetKind, number>> = {};
    const byStatus: Partial<Record<AssetStatus, number>> = {};
    const byModel = new Map<string, InventoryLine>();
    const compute = { chips: 0, denseBf16Tflops: 0, tpp: 0 };
    let total = 0;
    for (const { kind, model, status, count } of lines) {
      total += count;
      byKind[kind] = (byKind[kind] ?? 0) + count;
      byStatus[status] = (byStatus[status] ?? 0) + count;
      const modelKey = `${kind}\u0000${model}`;
      byModel.set(modelKey, { kind, model, count: (byModel.get(modelKey)?.count ?? 0) + count });
      const spec = kind === 'chip' && !RETIRED.has(status) ? findAcceleratorModel(model) : undefined;
      if (spec) {
        compute.chips += count;
        // A part with no published BF16 rate (e.g. Ascend, FP16 only) adds nothing here rather than a guessed figure.
        compute.denseBf16Tflops += (spec.denseBf16Tflops ?? 0) * count;
        compute.tpp += spec.tpp * count;
      }
    }
    return {
      facilityId, total, byKind, byStatus,
      byModel: [...byModel.values()].sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind) || a.model.localeCompare(b.model)),
      lines,
      compute,
    };
  }

  getFacility(facilityId: string): FacilityView | null {
    const row = this.statements.facility.get(facilityId);
    return row
      ? { facilityId: row.facility_id, name: row.name, kind: row.kind, country: row.country, operatorId: row.operator_id }
      : null;
  }

  getParty(partyId: string): PartyView | null {
    const row = this.statements.party.get(partyId);
    if (!row) return null;
    return {
      partyId: row.party_id, name: row.name, roles: JSON.parse(row.roles) as Role[], country: row.country,
      activeKeyIds: this.statements.activeKeyIds.all(partyId),
    };
  }

  /** The party and roles behind an unrevoked key, by the hash of its secret; null if unknown or revoked. */
  findActiveApiKey(secretHash: string): ActiveApiKey | null {
    const row = this.statements.apiKey.get(secretHash);
    return row ? { keyId: row.key_id, partyId: row.party_id, roles: JSON.parse(row.roles) as Role[] } : null;
  }

  /**
   * Whether the party may read the asset: it owns or holds it or once did (directly or through a container); as a
   * customs agency, it held or cleared it, or it was shipped into or out of the agency's country; as an operator, it
   * was shipped to one of its facilities. Contents of a container get what the container gets.
   */
  canSee(partyId: string, assetId: string): boolean {
    return this.statements.canSee.get(JSON.stringify(this.readerKeysOf(partyId)), assetId) !== undefined;
  }

  private readerKeysOf(partyId: string): string[] {
    const party = this.statements.party.get(partyId);
    return party ? readerKeys({ partyId, roles: JSON.parse(party.roles) as Role[], country: party.country }) : [partyId];
  }

  /** Whether some party with the admin role has an unrevoked key. */
  adminExists(): boolean {
    return this.statements.adminExists.get() !== undefined;
  }
}

import type Database from 'better-sqlite3';
import type { AssetFlag, CustomsHold, Installation, Shipment } from '@chip-ledger/domain';
import { VISIBLE_ASSET_IDS } from '../visibility/queries';
import type { AssetRow } from './asset-row';
import { parseJson } from './asset-row';
import type { AssetDetail, AssetFilter, AssetView, Page, PageRequest } from './asset-view';

/** A cursor that no page of `listAssets` handed out. */
export class InvalidCursor extends Error {
  readonly code = 'invalid-cursor';
  constructor(readonly cursor: string) {
    super('The cursor is not one returned by a previous page');
    this.name = 'InvalidCursor';
  }
}

export const MAX_PAGE_SIZE = 1000;

type AssetViewRow = Omit<AssetRow, 'own_facility_id' | 'own_custodian_id' | 'own_customs_hold' | 'own_shipment' | 'own_installation'>;

const ASSET_COLUMNS = `a.asset_id, a.kind, a.model, a.serial_number, a.manufacturer_id, a.status, a.own_status,
  a.facility_id, a.country, a.owner_id, a.custodian_id, a.parent_id, a.root_id, a.flags, a.customs_hold, a.shipment,
  a.installation, a.last_event_type, a.last_occurred_at, a.last_recorded_at, a.last_position, a.revision`;

/** Filter fields and their columns, in the order they appear in the generated SQL. */
const FILTER_COLUMNS = [
  ['ownerId', 'owner_id'], ['custodianId', 'custodian_id'], ['facilityId', 'facility_id'], ['country', 'country'],
  ['status', 'status'], ['model', 'model'], ['kind', 'kind'], ['containerId', 'parent_id'],
  ['serialNumber', 'serial_number'], ['manufacturerId', 'manufacturer_id'],
] as const satisfies readonly (readonly [keyof AssetFilter, string])[];

const toAssetView = (row: AssetViewRow): AssetView => ({
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
  customsHold: parseJson<CustomsHold>(row.customs_hold),
  shipment: parseJson<Shipment>(row.shipment),
  installation: parseJson<Installation>(row.installation),
  lastEventType: row.last_event_type,
  lastOccurredAt: row.last_occurred_at,
  lastRecordedAt: row.last_recorded_at,
  lastPosition: row.last_position,
  revision: row.revision,
});

const CURSOR_PREFIX = 'a1:';
const encodeCursor = (assetId: string): string => Buffer.from(CURSOR_PREFIX + assetId, 'utf8').toString('base64url');
const decodeCursor = (cursor: string): string => {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(CURSOR_PREFIX) || encodeCursor(text.slice(CURSOR_PREFIX.length)) !== cursor) throw new InvalidCursor(cursor);
  return text.slice(CURSOR_PREFIX.length);
};

/** Current assets: one by id, or pages of those matching filters. */
export class AssetQueries {
  private readonly listStatements = new Map<string, Database.Statement<unknown[], AssetViewRow>>();
  private readonly asset: Database.Statement<[string], AssetViewRow>;
  private readonly children: Database.Statement<[string], string>;

  /** `readerKeysOf`: the audience keys a party reads under (VisibilityQueries). */
  constructor(private readonly db: Database.Database, private readonly readerKeysOf: (partyId: string) => string[]) {
    this.asset = db.prepare<[string], AssetViewRow>(`SELECT ${ASSET_COLUMNS} FROM assets a WHERE a.asset_id = ?`);
    this.children = db.prepare<[string], string>('SELECT asset_id FROM assets WHERE parent_id = ? ORDER BY asset_id').pluck();
  }

  /** An asset as the world sees it (effective state; see AssetView), with its direct contents; null if unknown. */
  getAsset(assetId: string): AssetDetail | null {
    const row = this.asset.get(assetId);
    if (!row) return null;
    return { ...toAssetView(row), childIds: this.children.all(assetId) };
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
        ? `SELECT ${ASSET_COLUMNS} FROM assets a WHERE a.asset_id IN (${VISIBLE_ASSET_IDS})
           ${where.length ? `AND ${where.join(' AND ')}` : ''} ORDER BY a.asset_id LIMIT ?`
        : `SELECT ${ASSET_COLUMNS} FROM assets a ${conditions} ORDER BY a.asset_id LIMIT ?`;
      statement = this.db.prepare<unknown[], AssetViewRow>(sql);
      this.listStatements.set(`${key}|${visibleTo !== null}`, statement);
    }
    const rows = visibleTo !== null
      ? statement.all(JSON.stringify(this.readerKeysOf(visibleTo)), ...params, limit + 1)
      : statement.all(...params, limit + 1);
    const items = rows.slice(0, limit).map(toAssetView);
    return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].assetId) : null };
  }
}

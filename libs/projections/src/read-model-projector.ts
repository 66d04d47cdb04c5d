import type Database from 'better-sqlite3';
import type { Asset, AssetEvent, AssetFlag, AssetKind, AssetStatus } from '@chip-ledger/domain';
import { evolveAsset, initialAssetState, isContainerKind } from '@chip-ledger/domain';
import type { GlobalPosition, JsonObject, RecordedEvent } from '@chip-ledger/event-store';
import { CLAIM_RELEASED, commandIdOf, commitStreamOf, comparePositions, encodePosition } from '@chip-ledger/event-store';
import { BulkInsert } from './bulk-insert';
import type { ReadModelDb } from './read-model-db';
import { READ_MODEL_TABLES } from './read-model-db';
import type { ReadRelation } from './read-visibility';
import { readLinksOf } from './read-visibility';

const ASSET_STREAM_PREFIX = 'asset-';
const CHECKPOINT_NAME = 'ledger';
/** Packing refuses cycles (the domain's limit too): a longer chain means corrupt data, not a deep rack. */
const MAX_NESTING = 32;

/** Events after which a container's contents are wherever the container now is: they appear on the contents' timelines. */
const FOLLOWED_BY_CONTENTS = new Set<string>([
  'AssetShipped', 'AssetReceived', 'CustomsHeld', 'CustomsCleared', 'AssetInstalled', 'AssetUninstalled',
  'AssetReportedMissing', 'AssetRecovered', 'AssetDecommissioned', 'AssetDestroyed', 'LocationAttested',
]);

/** The asset's own state as the domain folds it, plus what the projection needs to write its row incrementally. */
type AssetNode = {
  readonly id: string;
  own: Asset;
  /** Assets whose own parentId is this one (the child side is the truth for containment). null: not loaded yet. */
  children: Set<string> | null;
  revision: number;
  lastEventType: string;
  lastOccurredAt: string;
  lastRecordedAt: string;
  lastPosition: string;
  /** The row exists in the file. */
  persisted: boolean;
  dirty: boolean;
  /** The effective custodian last recorded in asset_parties. */
  custodianSeen: string;
  /** Where the inventory counts it as of the last row write: facility and status, or null when at no facility. */
  countedFacility: string | null;
  countedStatus: string;
};

type EventContext = {
  readonly commit: bigint;
  readonly prepare: bigint;
  readonly position: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
};

type AssetRow = {
  asset_id: string; kind: AssetKind; model: string; serial_number: string | null; manufacturer_id: string;
  status: AssetStatus; own_status: AssetStatus; facility_id: string | null; owner_id: string; custodian_id: string;
  parent_id: string | null; flags: string; own_facility_id: string | null; own_custodian_id: string;
  own_customs_hold: string | null; own_shipment: string | null; own_installation: string | null;
  last_event_type: string; last_occurred_at: string; last_recorded_at: string; last_position: string; revision: number;
};

type CheckpointRow = { commit_position: string; prepare_position: string };

export type ProjectorOptions = {
  /**
   * Asset states kept in memory between batches; beyond this the cache is dropped after a commit. Default 20k: a cached
   * asset costs a few KB (measured: a rebuild of a 50k-asset history peaked at 350–420 MB RSS with 200k, ~256 MB with 20k,
   * at the same speed), and what a batch touches again is read back from its row.
   */
  readonly maxCachedAssets?: number;
};

export type BatchResult = { readonly applied: number; readonly skipped: number; readonly checkpoint: GlobalPosition | null };

const CANONICAL_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Timestamps are compared as text by the history queries, so they are stored in one canonical form. */
const isoTime = (value: unknown, fallback: () => string): string => {
  if (typeof value !== 'string') return fallback();
  if (CANONICAL_ISO.test(value)) return value;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
};

type StoredClaim = Omit<RecordedEvent, 'revision' | 'created' | 'position'> & {
  revision: string; created: string; position: { commit: string; prepare: string };
};

const toStoredClaim = (event: RecordedEvent): string => JSON.stringify({
  ...event, revision: event.revision.toString(), created: event.created.toISOString(),
  position: { commit: event.position.commit.toString(), prepare: event.position.prepare.toString() },
} satisfies StoredClaim);

const fromStoredClaim = (json: string): RecordedEvent => {
  const held = JSON.parse(json) as StoredClaim;
  return {
    ...held, revision: BigInt(held.revision), created: new Date(held.created),
    position: { commit: BigInt(held.position.commit), prepare: BigInt(held.position.prepare) },
  };
};

/**
 * Applies batches of recorded events to the read models, and the checkpoint with them, in one transaction per batch.
 * Events at or below the checkpoint are skipped, so a batch delivered twice changes nothing. One projector (one
 * runner) per read-model file: it caches what it wrote.
 *
 * Asset states are folded with the domain's `evolveAsset` and cached in memory; each touched row is written once
 * per batch, and timeline, event and party rows are written in key order at the end of the batch. Containment
 * follows the child side (`AssetPackedInto` / `AssetUnpackedFrom`). After a failed batch the cache is dropped and
 * reloaded from the file on demand, so memory never runs ahead of what was committed.
 *
 * Timeline: an asset's own events, plus entries (`via_asset_id` = the container) for
 * - a container's events that decide where its contents are (FOLLOWED_BY_CONTENTS), for everything inside it;
 * - a container packing or unpacking a unit, for the unit's contents (the unit itself has its own event).
 * A container's ownership transfer adds none (contents sold along have their own), nor does a container's own
 * packing into another (the outer container's `AssetsPacked` entry, right after it, carries the new state).
 * Flags a container acquires (diverted, was-missing, location-mismatch) are acquired by its contents too.
 * Only containers with contents pay for walking them; chips never do.
 */
export class ReadModelProjector {
  private readonly db: Database.Database;
  private readonly maxCachedAssets: number;
  private readonly nodes = new Map<string, AssetNode>();
  private readonly dirty: AssetNode[] = [];
  private readonly countries = new Map<string, string>();
  private readonly operators = new Map<string, string>();
  private readonly inventoryDeltas = new Map<string, number>();
  /** Rows written at the end of the batch, sorted by key: B-tree inserts in key order are much cheaper than random ones. */
  private readonly timeline = new Map<string, unknown[][]>();
  private readonly partyLinks = new Map<string, Set<string>>();
  private readonly jsonMemo = new WeakMap<object, string>();
  private checkpointValue: GlobalPosition | null;
  /** Commands whose claims are held in `pending_claims`, waiting for their commit. */
  private readonly pendingCommands = new Set<string>();
  /** Claims seen in the current batch whose commit has not come yet. */
  private readonly claimsInBatch = new Map<string, RecordedEvent[]>();
  /**
   * Every asset in the file is in `nodes` (the tables were empty when the cache was, and nothing was evicted since):
   * a miss means no such asset, and no query is needed to say so. True after `reset`, the start of every rebuild.
   */
  private complete = false;
  private readonly eventRows: BulkInsert;
  private readonly timelineRows: BulkInsert;
  private readonly partyRows: BulkInsert;
  private readonly statements;
  private readonly applyInTransaction: (events: readonly RecordedEvent[]) => BatchResult;

  constructor(readModels: ReadModelDb, options: ProjectorOptions = {}) {
    this.db = readModels.connection;
    this.maxCachedAssets = options.maxCachedAssets ?? 20_000;
    const db = this.db;
    this.statements = {
      selectAsset: db.prepare<[string], AssetRow>(`SELECT asset_id, kind, model, serial_number, manufacturer_id, status,
        own_status, facility_id, owner_id, custodian_id, parent_id, flags, own_facility_id, own_custodian_id,
        own_customs_hold, own_shipment, own_installation, last_event_type, last_occurred_at, last_recorded_at,
        last_position, revision FROM assets WHERE asset_id = ?`),
      selectChildren: db.prepare<[string], string>('SELECT asset_id FROM assets WHERE parent_id = ?').pluck(),
      insertAsset: db.prepare(`INSERT INTO assets (asset_id, kind, model, serial_number, manufacturer_id, status,
        own_status, facility_id, country, owner_id, custodian_id, parent_id, root_id, flags, customs_hold, shipment,
        installation, own_facility_id, own_custodian_id, own_customs_hold, own_shipment, own_installation,
        last_event_type, last_occurred_at, last_recorded_at, last_position, revision)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      updateAsset: db.prepare(`UPDATE assets SET status = ?, own_status = ?, facility_id = ?, country = ?, owner_id = ?,
        custodian_id = ?, parent_id = ?, root_id = ?, flags = ?, customs_hold = ?, shipment = ?, installation = ?,
        own_facility_id = ?, own_custodian_id = ?, own_customs_hold = ?, own_shipment = ?, own_installation = ?,
        last_event_type = ?, last_occurred_at = ?, last_recorded_at = ?, last_position = ?, revision = ?
        WHERE asset_id = ?`),
      addInventory: db.prepare(`INSERT INTO facility_inventory (facility_id, kind, model, status, count) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (facility_id, kind, model, status) DO UPDATE SET count = count + excluded.count`),
      pruneInventory: db.prepare(
        'DELETE FROM facility_inventory WHERE facility_id = ? AND kind = ? AND model = ? AND status = ? AND count <= 0'),
      upsertParty: db.prepare('INSERT OR REPLACE INTO parties (party_id, name, roles, country) VALUES (?, ?, ?, ?)'),
      insertApiKey: db.prepare(
        'INSERT OR IGNORE INTO api_keys (key_id, party_id, secret_hash, issued_at, revoked_at) VALUES (?, ?, ?, ?, NULL)'),
      revokeApiKey: db.prepare(
        'UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND party_id = ? AND revoked_at IS NULL'),
      upsertFacility: db.prepare(
        'INSERT OR REPLACE INTO facilities (facility_id, name, kind, country, operator_id) VALUES (?, ?, ?, ?, ?)'),
      selectFacilities: db.prepare<[], { facility_id: string; country: string; operator_id: string }>(
        'SELECT facility_id, country, operator_id FROM facilities'),
      selectCheckpoint: db.prepare<[string], CheckpointRow>(
        'SELECT commit_position, prepare_position FROM projection_checkpoint WHERE name = ?'),
      selectPendingCommands: db.prepare<[], string>('SELECT DISTINCT command_id FROM pending_claims').pluck(),
      selectPendingClaims: db.prepare<[string], string>(
        'SELECT event FROM pending_claims WHERE command_id = ? ORDER BY length(pos_commit), pos_commit, length(pos_prepare), pos_prepare').pluck(),
      insertPendingClaim: db.prepare('INSERT OR IGNORE INTO pending_claims (command_id, pos_commit, pos_prepare, event) VALUES (?, ?, ?, ?)'),
      deletePendingClaims: db.prepare('DELETE FROM pending_claims WHERE command_id = ?'),
      writeCheckpoint: db.prepare(`INSERT INTO projection_checkpoint (name, commit_position, prepare_position, updated_at)
        VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET commit_position = excluded.commit_position,
        prepare_position = excluded.prepare_position, updated_at = excluded.updated_at`),
    };
    // Event rows come in key (log) order: they are written as they come rather than held to the end of the batch.
    this.eventRows = new BulkInsert(db, 'asset_events',
      ['pos_commit', 'pos_prepare', 'event_id', 'asset_id', 'event_type', 'occurred_at', 'recorded_at', 'actor', 'data'],
      { streaming: true });
    this.timelineRows = new BulkInsert(db, 'timeline', ['asset_id', 'pos_commit', 'pos_prepare', 'via_asset_id', 's_status',
      's_facility_id', 's_country', 's_owner_id', 's_custodian_id', 's_parent_id', 's_root_id'], { orIgnore: true });
    this.partyRows = new BulkInsert(db, 'asset_parties', ['party_id', 'asset_id', 'relation'], { orIgnore: true });
    this.checkpointValue = this.readCheckpoint();
    this.complete = this.checkpointValue === null && db.prepare('SELECT 1 FROM assets LIMIT 1').get() === undefined;
    this.loadCountries();
    this.loadPendingCommands();
    this.applyInTransaction = db.transaction((events: readonly RecordedEvent[]) => this.applyAll(events));
  }

  /** The last position applied (committed), or null before the first event. */
  get checkpoint(): GlobalPosition | null {
    return this.checkpointValue;
  }

  /**
   * Applies a batch and moves the checkpoint past it, atomically. Events at or below the checkpoint are skipped.
   * On failure nothing is written and the in-memory state is dropped.
   */
  applyBatch(events: readonly RecordedEvent[]): BatchResult {
    try {
      const result = this.applyInTransaction(events);
      if (this.nodes.size > this.maxCachedAssets) {
        this.nodes.clear();
        this.complete = false;
      }
      return result;
    } catch (error) {
      this.forget();
      throw error;
    }
  }

  /** Empties every read model and the checkpoint, in one transaction. */
  reset(): void {
    this.db.transaction(() => {
      for (const table of READ_MODEL_TABLES) this.db.exec(`DELETE FROM ${table}`);
    })();
    this.forget();
    this.complete = true;
  }

  /** Drops the in-memory state; the next batch reloads what it needs from the file. */
  forget(): void {
    this.nodes.clear();
    this.complete = false;
    this.dirty.length = 0;
    this.inventoryDeltas.clear();
    this.partyLinks.clear();
    this.timeline.clear();
    this.eventRows.discard();
    this.timelineRows.discard();
    this.partyRows.discard();
    if (!this.db.open) return; // closed under us: whoever opens the file again starts from what it holds
    this.checkpointValue = this.readCheckpoint();
    this.loadCountries();
    this.loadPendingCommands();
  }

  private loadPendingCommands(): void {
    this.claimsInBatch.clear();
    this.pendingCommands.clear();
    for (const commandId of this.statements.selectPendingCommands.all()) this.pendingCommands.add(commandId);
  }

  /**
   * Claims of a multi-stream command wait for its commit (the event on its target stream) and are applied just
   * before it, in the order written; a release drops them. So no read model ever shows half a command. Claims still
   * waiting at the end of a batch are kept in `pending_claims` (the checkpoint passes them); most commits come in the
   * same batch as their claims, so those never touch the table. Returns true when the event was held or dropped.
   */
  private holdsClaim(event: RecordedEvent): boolean {
    const commandId = commandIdOf(event);
    if (commandId === null) return false;
    if (event.type === CLAIM_RELEASED) {
      const released = event.data.commandId as string;
      this.claimsInBatch.delete(released);
      if (this.pendingCommands.delete(released)) this.statements.deletePendingClaims.run(released);
      return true;
    }
    if (commitStreamOf(event) !== null) {
      const held = this.claimsInBatch.get(commandId);
      if (held) held.push(event);
      else this.claimsInBatch.set(commandId, [event]);
      return true;
    }
    const inBatch = this.claimsInBatch.get(commandId);
    const stored = this.pendingCommands.delete(commandId) ? this.statements.selectPendingClaims.all(commandId).map(fromStoredClaim) : [];
    if (stored.length) this.statements.deletePendingClaims.run(commandId);
    this.claimsInBatch.delete(commandId);
    for (const claim of [...stored, ...(inBatch ?? [])]) this.applyAssetEvent(claim);
    return false;
  }

  private readCheckpoint(): GlobalPosition | null {
    const row = this.statements.selectCheckpoint.get(CHECKPOINT_NAME);
    return row ? { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) } : null;
  }

  private loadCountries(): void {
    this.countries.clear();
    this.operators.clear();
    for (const { facility_id, country, operator_id } of this.statements.selectFacilities.all()) {
      this.countries.set(facility_id, country);
      this.operators.set(facility_id, operator_id);
    }
  }

  /** Claims whose commit has not come by the end of the batch wait in the file, with the checkpoint that passed them. */
  private keepPendingClaims(): void {
    for (const [commandId, claims] of this.claimsInBatch) {
      for (const claim of claims) {
        this.statements.insertPendingClaim.run(commandId, claim.position.commit.toString(), claim.position.prepare.toString(), toStoredClaim(claim));
      }
      this.pendingCommands.add(commandId);
    }
    this.claimsInBatch.clear();
  }

  private applyAll(events: readonly RecordedEvent[]): BatchResult {
    let applied = 0;
    let skipped = 0;
    for (const event of events) {
      const checkpoint = this.checkpointValue;
      if (checkpoint !== null && comparePositions(event.position, checkpoint) <= 0) {
        skipped++;
        continue;
      }
      this.apply(event);
      this.checkpointValue = event.position;
      applied++;
    }
    this.keepPendingClaims();
    this.flush();
    const checkpoint = this.checkpointValue;
    if (applied > 0 && checkpoint !== null) {
      this.statements.writeCheckpoint.run(CHECKPOINT_NAME, checkpoint.commit.toString(), checkpoint.prepare.toString(), new Date().toISOString());
    }
    return { applied, skipped, checkpoint };
  }

  private apply(event: RecordedEvent): void {
    const data = event.data as Record<string, unknown>;
    switch (event.type) {
      case 'PartyRegistered':
        this.statements.upsertParty.run(data.partyId, data.name, JSON.stringify(data.roles ?? []), data.country);
        return;
      case 'ApiKeyIssued':
        this.statements.insertApiKey.run(data.keyId, data.partyId, data.secretHash, this.context(event).recordedAt);
        return;
      case 'ApiKeyRevoked':
        this.statements.revokeApiKey.run(this.context(event).recordedAt, data.keyId, data.partyId);
        return;
      case 'FacilityRegistered':
        this.statements.upsertFacility.run(data.facilityId, data.name, data.kind, data.country, data.operatorId);
        this.countries.set(data.facilityId as string, data.country as string);
        this.operators.set(data.facilityId as string, data.operatorId as string);
        return;
      default:
        if (event.streamName.startsWith(ASSET_STREAM_PREFIX) && !this.holdsClaim(event)) this.applyAssetEvent(event);
    }
  }

  private context(event: RecordedEvent): EventContext {
    const metadata: JsonObject = event.metadata;
    const recordedAt = isoTime(metadata.recordedAt, () => event.created.toISOString());
    return {
      commit: event.position.commit,
      prepare: event.position.prepare,
      position: encodePosition(event.position),
      occurredAt: isoTime(metadata.occurredAt, () => recordedAt),
      recordedAt,
    };
  }

  private applyAssetEvent(event: RecordedEvent): void {
    const assetId = event.streamName.slice(ASSET_STREAM_PREFIX.length);
    const type = event.type;
    const ctx = this.context(event);
    let node = this.node(assetId);
    const domainEvent = { type, data: event.data } as unknown as AssetEvent;
    if (type === 'AssetManufactured') {
      if (node) return; // the domain refuses a second manufacture; a stray one must not reset the asset
      const own = evolveAsset(initialAssetState(), domainEvent);
      if (!own.exists) return;
      node = {
        id: assetId, own, children: isContainerKind(own.kind) ? new Set() : null, revision: 0,
        lastEventType: type, lastOccurredAt: ctx.occurredAt, lastRecordedAt: ctx.recordedAt, lastPosition: ctx.position,
        persisted: false, dirty: false, custodianSeen: '', countedFacility: null, countedStatus: '',
      };
      this.nodes.set(assetId, node);
      this.link(assetId, own.ownerId, 'owner');
    } else if (!node) {
      return; // an event for an asset never manufactured: nothing to show it on
    }
    const before = node.own;
    if (type !== 'AssetsPacked' && type !== 'AssetsUnpacked' && type !== 'AssetManufactured') {
      const after = evolveAsset(before, domainEvent);
      if (!after.exists) return;
      node.own = after.childIds.length ? { ...after, childIds: [] } : after;
      if (after.parentId !== before.parentId) this.moveBetweenContainers(assetId, before.parentId, after.parentId);
      if (after.ownerId !== before.ownerId) this.link(assetId, after.ownerId, 'owner');
    }
    node.revision = Number(event.revision);
    node.lastEventType = type;
    node.lastOccurredAt = ctx.occurredAt;
    node.lastRecordedAt = ctx.recordedAt;
    node.lastPosition = ctx.position;
    this.markDirty(node);

    this.eventRows.add([
      ctx.commit, ctx.prepare, event.id, assetId, type, ctx.occurredAt, ctx.recordedAt,
      typeof event.metadata.actor === 'string' ? event.metadata.actor : null, JSON.stringify(event.data),
    ]);
    const root = this.rootOf(node);
    const country = this.countryOf(root.own.facilityId);
    this.record(node, root, country, ctx, null);
    const readers = readLinksOf(type, event.data, (facilityId) => this.operators.get(facilityId));
    for (const [partyId, relation] of readers) this.link(assetId, partyId, relation);

    if (type === 'AssetsPacked' || type === 'AssetsUnpacked') {
      // The contents of each child moved with it: they see the container's packing on their timelines.
      const childIds = new Set((event.data.childIds ?? []) as readonly string[]);
      for (const childId of childIds) {
        const child = this.node(childId);
        if (!child || !this.hasContents(child)) continue;
        const childRoot = this.rootOf(child);
        this.forContents(child, (item) => this.record(item, childRoot, this.countryOf(childRoot.own.facilityId), ctx, assetId));
      }
      return;
    }
    if (!this.hasContents(node)) return;
    const newFlags = node.own.flags.length === before.flags.length ? null : node.own.flags.filter((f) => !before.flags.includes(f));
    if (type === 'AssetPackedInto' || type === 'AssetUnpackedFrom') {
      // A new outermost container: the contents' effective state follows it from now on.
      this.forContents(node, (item) => {
        this.markDirty(item);
        this.noteCustodian(item, root.own.custodianId);
      });
    } else if (FOLLOWED_BY_CONTENTS.has(type)) {
      const moves = type !== 'LocationAttested';
      this.forContents(node, (item) => {
        if (newFlags) this.addFlags(item, newFlags);
        if (moves || newFlags) this.markDirty(item);
        this.record(item, root, country, ctx, assetId);
        for (const [partyId, relation] of readers) this.link(item.id, partyId, relation);
      });
    }
  }

  /** A timeline entry for `node` at this event, with its effective state after it. */
  private record(node: AssetNode, root: AssetNode, country: string | null, ctx: EventContext, via: string | null): void {
    const place = root.own;
    this.noteCustodian(node, place.custodianId);
    const row = [node.id, ctx.commit, ctx.prepare, via, place.status, place.facilityId, country, node.own.ownerId,
      place.custodianId, node.own.parentId, root.id];
    const rows = this.timeline.get(node.id);
    if (!rows) {
      this.timeline.set(node.id, [row]);
    } else {
      // One entry per asset and event (a cyclic containment in corrupt data could reach an asset twice): the first
      // stands, as the unique index would have it, which a rebuild drops until its end.
      const last = rows[rows.length - 1];
      if (last[1] !== ctx.commit || last[2] !== ctx.prepare) rows.push(row);
    }
  }

  private noteCustodian(node: AssetNode, custodianId: string): void {
    if (node.custodianSeen === custodianId) return;
    node.custodianSeen = custodianId;
    this.link(node.id, custodianId, 'custodian');
  }

  private link(assetId: string, partyId: string, relation: ReadRelation): void {
    const links = this.partyLinks.get(partyId);
    const link = `${assetId}\u0000${relation}`;
    if (links) links.add(link);
    else this.partyLinks.set(partyId, new Set([link]));
  }

  private addFlags(node: AssetNode, flags: readonly AssetFlag[]): void {
    const missing = flags.filter((flag) => !node.own.flags.includes(flag));
    if (missing.length) node.own = { ...node.own, flags: [...node.own.flags, ...missing] };
  }

  private markDirty(node: AssetNode): void {
    if (node.dirty) return;
    node.dirty = true;
    this.dirty.push(node);
  }

  private moveBetweenContainers(assetId: string, from: string | null, to: string | null): void {
    if (from !== null) {
      const parent = this.node(from);
      if (parent) this.childrenOf(parent).delete(assetId);
    }
    if (to !== null) {
      const parent = this.node(to);
      if (parent) this.childrenOf(parent).add(assetId);
    }
  }

  /** Loaded before any change, so a set once loaded always agrees with the (possibly unflushed) child states. */
  private childrenOf(node: AssetNode): Set<string> {
    if (node.children === null) {
      node.children = new Set(node.persisted && !this.complete ? this.statements.selectChildren.all(node.id) : []);
    }
    return node.children;
  }

  private hasContents(node: AssetNode): boolean {
    if (node.children === null && !isContainerKind(node.own.kind)) return false;
    return this.childrenOf(node).size > 0;
  }

  /** Every asset inside `node`, at any depth (not `node` itself). */
  private forContents(node: AssetNode, visit: (item: AssetNode) => void, depth = 0): void {
    if (depth >= MAX_NESTING) return;
    for (const childId of this.childrenOf(node)) {
      const child = this.node(childId);
      if (!child) continue;
      visit(child);
      if (child.children !== null ? child.children.size > 0 : isContainerKind(child.own.kind)) this.forContents(child, visit, depth + 1);
    }
  }

  private rootOf(node: AssetNode): AssetNode {
    let root = node;
    for (let hops = 0; root.own.parentId !== null && hops < MAX_NESTING; hops++) {
      const parent = this.node(root.own.parentId);
      if (!parent) break;
      root = parent;
    }
    return root;
  }

  private countryOf(facilityId: string | null): string | null {
    return facilityId === null ? null : this.countries.get(facilityId) ?? null;
  }

  private node(assetId: string): AssetNode | undefined {
    const cached = this.nodes.get(assetId);
    if (cached || this.complete) return cached;
    const row = this.statements.selectAsset.get(assetId);
    if (!row) return undefined;
    const node: AssetNode = {
      id: assetId,
      own: {
        exists: true, assetId, kind: row.kind, model: row.model, serialNumber: row.serial_number,
        manufacturerId: row.manufacturer_id, status: row.own_status, ownerId: row.owner_id, custodianId: row.own_custodian_id,
        facilityId: row.own_facility_id, parentId: row.parent_id, childIds: [],
        shipment: parseJson(row.own_shipment), customsHold: parseJson(row.own_customs_hold),
        installation: parseJson(row.own_installation), flags: JSON.parse(row.flags) as AssetFlag[],
        registeredAt: null, changedAt: null, // the decider's, not needed here
      },
      children: isContainerKind(row.kind) ? null : new Set(),
      revision: row.revision, lastEventType: row.last_event_type, lastOccurredAt: row.last_occurred_at,
      lastRecordedAt: row.last_recorded_at, lastPosition: row.last_position,
      persisted: true, dirty: false, custodianSeen: row.custodian_id,
      countedFacility: row.status === 'destroyed' ? null : row.facility_id, countedStatus: row.status,
    };
    this.nodes.set(assetId, node);
    return node;
  }

  private json(value: object | null): string | null {
    if (value === null) return null;
    let text = this.jsonMemo.get(value);
    if (text === undefined) {
      text = JSON.stringify(value);
      this.jsonMemo.set(value, text);
    }
    return text;
  }

  /** Writes every row touched by the batch once, with its effective state, and the inventory and party changes. */
  private flush(): void {
    const s = this.statements;
    this.eventRows.flush();
    for (const assetId of [...this.timeline.keys()].sort()) this.timelineRows.addAll(this.timeline.get(assetId) as unknown[][]);
    this.timeline.clear();
    this.timelineRows.flush();
    if (this.dirty.length > 1) this.dirty.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const node of this.dirty) {
      node.dirty = false;
      const own = node.own;
      const place = this.rootOf(node);
      const eff = place.own;
      const country = this.countryOf(eff.facilityId);
      const flags = own.flags.length ? this.json(own.flags) : '[]';
      const ownHold = this.json(own.customsHold);
      const ownShipment = this.json(own.shipment);
      const ownInstallation = this.json(own.installation);
      const hold = place === node ? ownHold : this.json(eff.customsHold);
      const shipment = place === node ? ownShipment : this.json(eff.shipment);
      const installation = place === node ? ownInstallation : this.json(eff.installation);
      if (node.persisted) {
        s.updateAsset.run(
          eff.status, own.status, eff.facilityId, country, own.ownerId, eff.custodianId, own.parentId, place.id, flags,
          hold, shipment, installation, own.facilityId, own.custodianId, ownHold, ownShipment, ownInstallation,
          node.lastEventType, node.lastOccurredAt, node.lastRecordedAt, node.lastPosition, node.revision, node.id,
        );
      } else {
        s.insertAsset.run(
          node.id, own.kind, own.model, own.serialNumber, own.manufacturerId, eff.status, own.status, eff.facilityId,
          country, own.ownerId, eff.custodianId, own.parentId, place.id, flags, hold, shipment, installation,
          own.facilityId, own.custodianId, ownHold, ownShipment, ownInstallation,
          node.lastEventType, node.lastOccurredAt, node.lastRecordedAt, node.lastPosition, node.revision,
        );
        node.persisted = true;
      }
      // A destroyed asset keeps its last facility, but is no longer on site.
      const onSite = eff.status === 'destroyed' ? null : eff.facilityId;
      if (node.countedFacility !== onSite || node.countedStatus !== eff.status) {
        if (node.countedFacility !== null) this.count(node.countedFacility, own, node.countedStatus, -1);
        if (onSite !== null) this.count(onSite, own, eff.status, 1);
        node.countedFacility = onSite;
        node.countedStatus = eff.status;
      }
    }
    this.dirty.length = 0;
    for (const [key, delta] of this.inventoryDeltas) {
      if (delta === 0) continue;
      const [facilityId, kind, model, status] = key.split('\u0000');
      s.addInventory.run(facilityId, kind, model, status, delta);
      if (delta < 0) s.pruneInventory.run(facilityId, kind, model, status);
    }
    this.inventoryDeltas.clear();
    for (const partyId of [...this.partyLinks.keys()].sort()) {
      for (const link of [...(this.partyLinks.get(partyId) as Set<string>)].sort()) {
        const separator = link.indexOf('\u0000');
        this.partyRows.add([partyId, link.slice(0, separator), link.slice(separator + 1)]);
      }
    }
    this.partyLinks.clear();
    this.partyRows.flush();
  }

  private count(facilityId: string, asset: Asset, status: string, delta: number): void {
    const key = `${facilityId}\u0000${asset.kind}\u0000${asset.model}\u0000${status}`;
    this.inventoryDeltas.set(key, (this.inventoryDeltas.get(key) ?? 0) + delta);
  }
}

const parseJson = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

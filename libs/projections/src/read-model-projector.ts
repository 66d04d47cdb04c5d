import type Database from 'better-sqlite3';
import type { FacilityKind, Role } from '@chip-ledger/domain';
import { assetStream } from '@chip-ledger/domain';
import type { GlobalPosition, JsonObject, RecordedEvent } from '@chip-ledger/event-store';
import { CLAIM_RELEASED, commandIdOf, commitStreamOf, comparePositions, encodePosition } from '@chip-ledger/event-store';
import type { EventContext } from './asset-graph/asset-changes';
import { AssetGraph } from './asset-graph/asset-graph';
import type { ReadModelDb } from './read-model-db';
import { READ_MODEL_TABLES } from './read-model-db';
import { assetRowReader } from './read-models/assets/asset-graph-source';
import { FacilityQueries } from './read-models/facilities/queries';
import type { LedgerChange, ReadModelProjection } from './read-models/read-model';
import { READ_MODELS } from './read-models/read-models';

/** Asset streams are named after the asset. */
const ASSET_STREAM_PREFIX = assetStream('');
const CHECKPOINT_NAME = 'ledger';

type CheckpointRow = { commit_position: string; prepare_position: string };

export type ProjectorOptions = {
  /**
   * Asset states kept in memory between batches; beyond this the cache is dropped after a commit. Default 5k: a cached
   * asset costs a few KB, and more in a heap sized for it (measured: a rebuild of a 50k-asset history peaked at
   * 350–420 MB RSS with 200k, ~256 MB with 20k, at the same speed; from 20k to 5k, RSS after it 232 -> 211 MB and
   * the heap after a collection 20 -> 10 MB: the heap grows to hold the cache at its largest and keeps that size), and
   * what a batch touches again is read back from its row.
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

const contextOf = (event: RecordedEvent): EventContext => {
  const metadata: JsonObject = event.metadata;
  const recordedAt = isoTime(metadata.recordedAt, () => event.created.toISOString());
  return {
    commit: event.position.commit,
    prepare: event.position.prepare,
    position: encodePosition(event.position),
    eventId: event.id,
    occurredAt: isoTime(metadata.occurredAt, () => recordedAt),
    recordedAt,
    actor: typeof metadata.actor === 'string' ? metadata.actor : null,
  };
};

/** Each change type's handlers, over every registered read model, in registration order. */
type Dispatch = { readonly [T in LedgerChange['type']]: ((change: Extract<LedgerChange, { readonly type: T }>) => void)[] };

const dispatchOver = (projections: readonly ReadModelProjection[]): Dispatch => {
  const dispatch: Record<string, ((change: never) => void)[]> = {};
  for (const { on } of projections) {
    for (const [type, handler] of Object.entries(on) as [string, (change: never) => void][]) (dispatch[type] ??= []).push(handler);
  }
  return dispatch as unknown as Dispatch;
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
 * Applies batches of recorded events to every registered read model (READ_MODELS), and the checkpoint with them, in
 * one transaction per batch. Events at or below the checkpoint are skipped, so a batch delivered twice changes
 * nothing. One projector (one runner) per read-model file: it caches what it wrote.
 *
 * Registrations become changes of their own; asset events go through the asset graph (AssetGraph), which folds
 * containment and effective state and emits the changes the read models handle. After a failed batch the graph is
 * dropped and reloaded from the file on demand, so memory never runs ahead of what was committed.
 */
export class ReadModelProjector {
  private readonly db: Database.Database;
  private readonly maxCachedAssets: number;
  private readonly projections: readonly ReadModelProjection[];
  private readonly dispatch: Dispatch;
  private readonly graph: AssetGraph;
  private readonly facilityQueries: FacilityQueries;
  private readonly facilities = new Map<string, { readonly country: string; readonly operatorId: string }>();
  private checkpointValue: GlobalPosition | null;
  /** Commands whose claims are held in `pending_claims`, waiting for their commit. */
  private readonly pendingCommands = new Set<string>();
  /** Claims seen in the current batch whose commit has not come yet. */
  private readonly claimsInBatch = new Map<string, RecordedEvent[]>();
  private readonly statements;
  private readonly applyInTransaction: (events: readonly RecordedEvent[]) => BatchResult;

  constructor(readModels: ReadModelDb, options: ProjectorOptions = {}) {
    const db = (this.db = readModels.connection);
    this.maxCachedAssets = options.maxCachedAssets ?? 5_000;
    this.statements = {
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
    this.projections = READ_MODELS.map((model) => model.project(db));
    this.dispatch = dispatchOver(this.projections);
    this.facilityQueries = new FacilityQueries(db);
    const rows = assetRowReader(db);
    this.graph = new AssetGraph({
      load: rows.load,
      childrenOf: rows.childrenOf,
      countryOf: (facilityId) => this.facilities.get(facilityId)?.country,
      operatorOf: (facilityId) => this.facilities.get(facilityId)?.operatorId,
    }, (change) => this.emit(change));
    this.checkpointValue = this.readCheckpoint();
    if (this.checkpointValue === null && db.prepare('SELECT 1 FROM assets LIMIT 1').get() === undefined) this.graph.reset();
    this.loadFacilities();
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
      if (this.graph.size > this.maxCachedAssets) this.graph.forget();
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
    this.graph.reset();
  }

  /** Drops the in-memory state; the next batch reloads what it needs from the file. */
  forget(): void {
    this.graph.forget();
    for (const projection of this.projections) projection.discard?.();
    if (!this.db.open) return; // closed under us: whoever opens the file again starts from what it holds
    this.checkpointValue = this.readCheckpoint();
    this.loadFacilities();
    this.loadPendingCommands();
  }

  private emit(change: LedgerChange): void {
    const handlers = this.dispatch[change.type] as ((change: LedgerChange) => void)[] | undefined;
    if (handlers) for (const handle of handlers) handle(change);
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
    for (const claim of [...stored, ...(inBatch ?? [])]) this.applyAssetEvent(claim, event.position);
    return false;
  }

  private readCheckpoint(): GlobalPosition | null {
    const row = this.statements.selectCheckpoint.get(CHECKPOINT_NAME);
    return row ? { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) } : null;
  }

  private loadFacilities(): void {
    this.facilities.clear();
    for (const { facilityId, country, operatorId } of this.facilityQueries.allFacilities()) this.facilities.set(facilityId, { country, operatorId });
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
    this.graph.endBatch();
    for (const projection of this.projections) projection.flush?.();
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
        this.emit({
          type: 'party-registered', partyId: data.partyId as string, name: data.name as string,
          roles: (data.roles ?? []) as Role[], country: data.country as string,
        });
        return;
      case 'ApiKeyIssued':
        this.emit({
          type: 'api-key-issued', keyId: data.keyId as string, partyId: data.partyId as string,
          secretHash: data.secretHash as string, context: contextOf(event),
        });
        return;
      case 'ApiKeyRevoked':
        this.emit({ type: 'api-key-revoked', keyId: data.keyId as string, partyId: data.partyId as string, context: contextOf(event) });
        return;
      case 'FacilityRegistered': {
        const facilityId = data.facilityId as string;
        const country = data.country as string;
        const operatorId = data.operatorId as string;
        this.facilities.set(facilityId, { country, operatorId });
        this.emit({ type: 'facility-registered', facilityId, name: data.name as string, kind: data.kind as FacilityKind, country, operatorId });
        return;
      }
      default:
        if (event.streamName.startsWith(ASSET_STREAM_PREFIX) && !this.holdsClaim(event)) this.applyAssetEvent(event);
    }
  }

  /** `appliedAt`: a claim's, its commit's position (claims take effect with their commit, just before it). */
  private applyAssetEvent(event: RecordedEvent, appliedAt: GlobalPosition | null = null): void {
    const context = contextOf(event);
    this.graph.apply(event.streamName.slice(ASSET_STREAM_PREFIX.length), event.type, event.data, Number(event.revision),
      appliedAt === null ? context : { ...context, appliedAt });
  }
}

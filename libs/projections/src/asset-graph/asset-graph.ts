import type { Asset, AssetEvent, AssetFlag } from '@chip-ledger/domain';
import { evolveAsset, initialAssetState, isContainerKind } from '@chip-ledger/domain';
import type { ReadRelation } from '../read-visibility';
import { readLinksOf } from '../read-visibility';
import type { AssetChange, AssetGraphSource, EffectiveSnapshot, EventContext, Placement } from './asset-changes';
import { placementOf } from './asset-changes';
import { followedByContents } from './followed-by-contents';

/** Packing refuses cycles (the domain's limit too): a longer chain means corrupt data, not a deep rack. */
export const MAX_NESTING = 32;

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
  /** Written before (by an earlier batch). */
  persisted: boolean;
  dirty: boolean;
  /** The effective custodian last linked. */
  custodianSeen: string;
  /** Where the inventory counted it when it was last written. */
  placement: Placement | null;
};

/**
 * Containment and the effective state of packed assets, as a fold of asset events that emits typed changes
 * (AssetChange). Pure: what it does not hold in memory it asks its source for, and it writes nothing itself.
 *
 * A packed asset is wherever its outermost container (its root) is: status, facility, custodian, shipment, customs hold
 * and installation come from the root; owner and parent stay its own. Containment follows the child side
 * (`AssetPackedInto` / `AssetUnpackedFrom`). Timeline entries: an asset's own events, plus, via the container,
 * - a container's events that decide where its contents are (FOLLOWED_BY_CONTENTS), for everything inside it;
 * - a container packing or unpacking a unit, for the unit's contents (the unit itself has its own event).
 * Flags a container acquires (diverted, was-missing, location-mismatch) are acquired by its contents too, and so are
 * the parties it links (customs, inbound operators, border agencies). Only containers with contents pay for walking
 * them; chips never do.
 */
export class AssetGraph {
  private readonly nodes = new Map<string, AssetNode>();
  private readonly dirty: AssetNode[] = [];
  /**
   * Every asset there is, is in `nodes` (nothing was written when the cache was empty, and nothing was evicted since):
   * a miss means no such asset, and the source need not be asked.
   */
  private complete: boolean;

  constructor(private readonly source: AssetGraphSource, private readonly emit: (change: AssetChange) => void, options: { readonly empty?: boolean } = {}) {
    this.complete = options.empty ?? false;
  }

  /** Nothing is written any more (a rebuild starts): every asset will come through `apply`. */
  reset(): void {
    this.forget();
    this.complete = true;
  }

  /** Drops what is held in memory (after a failed batch, or to bound memory); the source is asked again on demand. */
  forget(): void {
    this.nodes.clear();
    this.dirty.length = 0;
    this.complete = false;
  }

  /** Assets held in memory. */
  get size(): number {
    return this.nodes.size;
  }

  /** Applies one event of an asset's stream (claims of a multi-stream command come just before its commit). */
  apply(assetId: string, type: string, data: Readonly<Record<string, unknown>>, revision: number, context: EventContext): void {
    let node = this.node(assetId);
    const domainEvent = { type, data } as unknown as AssetEvent;
    if (type === 'AssetManufactured') {
      if (node) return; // the domain refuses a second manufacture; a stray one must not reset the asset
      const own = evolveAsset(initialAssetState(), domainEvent);
      if (!own.exists) return;
      node = {
        id: assetId, own, children: isContainerKind(own.kind) ? new Set() : null, revision: 0,
        lastEventType: type, lastOccurredAt: context.occurredAt, lastRecordedAt: context.recordedAt, lastPosition: context.position,
        persisted: false, dirty: false, custodianSeen: '', placement: null,
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
    node.revision = revision;
    node.lastEventType = type;
    node.lastOccurredAt = context.occurredAt;
    node.lastRecordedAt = context.recordedAt;
    node.lastPosition = context.position;
    this.markDirty(node);

    const root = this.rootOf(node);
    const country = this.countryOf(root.own.facilityId);
    this.noteCustodian(node, root.own.custodianId);
    this.emit({ type: 'asset-event-recorded', assetId, eventType: type, data, context, snapshot: this.snapshotOf(node, root, country) });
    const readers = readLinksOf(type, data, (facilityId) => this.source.operatorOf(facilityId));
    for (const [partyId, relation] of readers) this.link(assetId, partyId, relation);

    if (type === 'AssetsPacked' || type === 'AssetsUnpacked') {
      const packing = type === 'AssetsPacked';
      for (const childId of new Set((data.childIds ?? []) as readonly string[])) {
        const child = this.node(childId);
        if (!child) continue;
        // The child side is the truth: its claim, applied just before, put it in (or took it out of) the container.
        if (packing && child.own.parentId !== assetId) continue;
        this.emit({ type: packing ? 'containment-began' : 'containment-ended', assetId: childId, containerId: assetId, context });
        if (!this.hasContents(child)) continue;
        // The child's contents moved with it: whoever holds it now holds them.
        const childRoot = this.rootOf(child);
        this.forContents(child, (item) => this.noteCustodian(item, childRoot.own.custodianId));
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
    } else if (followedByContents(type)) {
      const moves = type !== 'LocationAttested';
      this.forContents(node, (item) => {
        if (newFlags) this.addFlags(item, newFlags);
        if (moves || newFlags) this.markDirty(item);
        this.noteCustodian(item, root.own.custodianId);
        for (const [partyId, relation] of readers) this.link(item.id, partyId, relation);
      });
    }
  }

  /**
   * The end of a batch: every asset it touched once, in asset id order (`asset-written`), with the inventory moves
   * that follow (`inventory-moved`).
   */
  endBatch(): void {
    const dirty = this.dirty;
    if (dirty.length > 1) dirty.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const node of dirty) {
      node.dirty = false;
      const root = this.rootOf(node);
      const effective = root.own;
      this.emit({
        type: 'asset-written',
        asset: {
          own: node.own, effective, rootId: root.id, country: this.countryOf(effective.facilityId),
          lastEventType: node.lastEventType, lastOccurredAt: node.lastOccurredAt, lastRecordedAt: node.lastRecordedAt,
          lastPosition: node.lastPosition, revision: node.revision,
        },
        isNew: !node.persisted,
      });
      node.persisted = true;
      const to = placementOf(effective.facilityId, effective.status);
      const from = node.placement;
      if (from?.facilityId !== to?.facilityId || from?.status !== to?.status) {
        this.emit({ type: 'inventory-moved', kind: node.own.kind, model: node.own.model, from, to });
        node.placement = to;
      }
    }
    dirty.length = 0;
  }

  /** Where `node` is (its root's place), and its own owner and container. */
  private snapshotOf(node: AssetNode, root: AssetNode, country: string | null): EffectiveSnapshot {
    const place = root.own;
    return {
      status: place.status, facilityId: place.facilityId, country, ownerId: node.own.ownerId, custodianId: place.custodianId,
      parentId: node.own.parentId, rootId: root.id,
    };
  }

  private noteCustodian(node: AssetNode, custodianId: string): void {
    if (node.custodianSeen === custodianId) return;
    node.custodianSeen = custodianId;
    this.link(node.id, custodianId, 'custodian');
  }

  private link(assetId: string, partyId: string, relation: ReadRelation): void {
    this.emit({ type: 'party-linked', assetId, partyId, relation });
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

  /** Loaded before any change, so a set once loaded always agrees with the (possibly unwritten) child states. */
  private childrenOf(node: AssetNode): Set<string> {
    if (node.children === null) node.children = new Set(node.persisted && !this.complete ? this.source.childrenOf(node.id) : []);
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
    return facilityId === null ? null : this.source.countryOf(facilityId) ?? null;
  }

  private node(assetId: string): AssetNode | undefined {
    const cached = this.nodes.get(assetId);
    if (cached || this.complete) return cached;
    const stored = this.source.load(assetId);
    if (!stored) return undefined;
    const node: AssetNode = {
      id: assetId, own: stored.own, children: isContainerKind(stored.own.kind) ? null : new Set(),
      revision: stored.revision, lastEventType: stored.lastEventType, lastOccurredAt: stored.lastOccurredAt,
      lastRecordedAt: stored.lastRecordedAt, lastPosition: stored.lastPosition,
      persisted: true, dirty: false, custodianSeen: stored.custodianId, placement: stored.placement,
    };
    this.nodes.set(assetId, node);
    return node;
  }
}

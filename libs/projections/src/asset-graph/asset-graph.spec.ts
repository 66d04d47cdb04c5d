import fc from 'fast-check';
import type { AssetChange, AssetGraphSource, EffectiveAsset, EventContext, StoredAsset } from './asset-changes';
import { placementOf } from './asset-changes';
import { AssetGraph } from './asset-graph';

const FACILITIES: Readonly<Record<string, { country: string; operatorId: string }>> = {
  'fab-tw': { country: 'TW', operatorId: 'maker' },
  'dc-de': { country: 'DE', operatorId: 'cloud' },
};

/**
 * What the read models would hold: the last `asset-written` of each asset. As a source, it is what the graph
 * resumes from after forgetting (the assets table in production).
 */
class WrittenAssets {
  readonly assets = new Map<string, { asset: EffectiveAsset; custodianId: string }>();
  readonly source: AssetGraphSource = {
    load: (assetId) => {
      const written = this.assets.get(assetId);
      if (!written) return undefined;
      const { asset } = written;
      const { effective } = asset;
      const stored: StoredAsset = {
        own: asset.own, revision: asset.revision, lastEventType: asset.lastEventType, lastOccurredAt: asset.lastOccurredAt,
        lastRecordedAt: asset.lastRecordedAt, lastPosition: asset.lastPosition, custodianId: effective.custodianId,
        placement: placementOf(effective.facilityId, effective.status),
      };
      return stored;
    },
    childrenOf: (assetId) => [...this.assets.values()].filter(({ asset }) => asset.own.parentId === assetId).map(({ asset }) => asset.own.assetId),
    countryOf: (facilityId) => FACILITIES[facilityId]?.country,
    operatorOf: (facilityId) => FACILITIES[facilityId]?.operatorId,
  };

  write(change: AssetChange): void {
    if (change.type === 'asset-written') this.assets.set(change.asset.own.assetId, { asset: change.asset, custodianId: change.asset.effective.custodianId });
  }
}

type TestEvent = { readonly assetId: string; readonly type: string; readonly data: Record<string, unknown> };

const contextAt = (n: number): EventContext => ({
  commit: BigInt(n), prepare: BigInt(n), position: String(n), eventId: `event-${n}`,
  occurredAt: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(), recordedAt: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(), actor: null,
});

const manufactured = (assetId: string, kind: string): TestEvent =>
  ({ assetId, type: 'AssetManufactured', data: { assetId, kind, model: kind === 'chip' ? 'H100-SXM5-80GB' : kind, serialNumber: null, manufacturerId: 'maker', facilityId: 'fab-tw' } });
/** As the command handler writes a packing: the child's claim, then the container's commit. */
const packed = (childId: string, parentId: string): TestEvent[] => [
  { assetId: childId, type: 'AssetPackedInto', data: { assetId: childId, parentId } },
  { assetId: parentId, type: 'AssetsPacked', data: { parentId, childIds: [childId], facilityId: 'fab-tw' } },
];
const unpacked = (childId: string, parentId: string, facilityId: string, custodianId: string): TestEvent[] => [
  { assetId: childId, type: 'AssetUnpackedFrom', data: { assetId: childId, parentId, facilityId, custodianId } },
  { assetId: parentId, type: 'AssetsUnpacked', data: { parentId, childIds: [childId], facilityId } },
];
const shipped = (assetId: string, from: string, to: string): TestEvent => ({
  assetId, type: 'AssetShipped', data: {
    assetId, fromFacilityId: from, toFacilityId: to, carrierId: 'carrier', originCountry: FACILITIES[from].country,
    destinationCountry: FACILITIES[to].country, crossBorder: true, exportLicence: null, shipmentRef: null,
  },
});
const received = (assetId: string, facilityId: string, diverted = false): TestEvent => ({
  assetId, type: 'AssetReceived',
  data: { assetId, facilityId, country: FACILITIES[facilityId].country, receivedBy: FACILITIES[facilityId].operatorId, expectedFacilityId: facilityId, diverted },
});

/** Applies the events in batches of `batchSize`; `forgetting`: the graph drops its memory after each batch. */
const run = (events: readonly TestEvent[], options: { batchSize?: number; forgetting?: boolean } = {}) => {
  const written = new WrittenAssets();
  const changes: AssetChange[] = [];
  const graph = new AssetGraph(written.source, (change) => {
    changes.push(change);
    written.write(change);
  }, { empty: true });
  const batchSize = options.batchSize ?? events.length;
  events.forEach((event, index) => {
    graph.apply(event.assetId, event.type, event.data, index, contextAt(index + 1));
    if ((index + 1) % batchSize === 0 || index === events.length - 1) {
      graph.endBatch();
      if (options.forgetting) graph.forget();
    }
  });
  /** The asset's own events, with its effective state after each. */
  const timelineOf = (assetId: string) => changes.flatMap((change) =>
    (change.type === 'asset-event-recorded' && change.assetId === assetId ? [[change.context.eventId, change.snapshot.status, change.snapshot.custodianId, change.snapshot.rootId]] : []));
  /** Periods of assets inside containers, as they begin and end. */
  const containment = () => changes.flatMap((change) =>
    (change.type === 'containment-began' || change.type === 'containment-ended' ? [[change.type, change.assetId, change.containerId, change.context.eventId]] : []));
  const linksOf = (assetId: string) => new Set(changes.flatMap((change) =>
    (change.type === 'party-linked' && change.assetId === assetId ? [`${change.partyId}:${change.relation}`] : [])));
  return { changes, written, timelineOf, containment, linksOf };
};

/** A rack holding a board holding two chips, and a loose chip, all at the Taiwanese fab. */
const RACK_AT_THE_FAB: TestEvent[] = [
  manufactured('rack', 'rack'), manufactured('board', 'board'), manufactured('chip-1', 'chip'), manufactured('chip-2', 'chip'),
  manufactured('loose', 'chip'),
  ...packed('chip-1', 'board'), ...packed('chip-2', 'board'), ...packed('board', 'rack'),
];

describe('asset graph (no SQLite)', () => {
  it('puts a packed chip wherever its outermost container is, held by whoever holds it, owned by its own owner', () => {
    const { written, timelineOf, linksOf } = run([...RACK_AT_THE_FAB, shipped('rack', 'fab-tw', 'dc-de')]);
    const chip = written.assets.get('chip-1')?.asset;
    expect(chip).toMatchObject({
      rootId: 'rack', country: null,
      own: { status: 'at-facility', facilityId: 'fab-tw', parentId: 'board', ownerId: 'maker', custodianId: 'maker' },
      effective: { assetId: 'rack', status: 'in-transit', facilityId: null, custodianId: 'carrier', shipment: { toFacilityId: 'dc-de' } },
    });
    // The rack's shipment is recorded once, with the place everything inside it is in after it.
    expect(timelineOf('rack').at(-1)).toEqual(['event-12', 'in-transit', 'carrier', 'rack']);
    expect(timelineOf('chip-1')).toEqual([['event-3', 'at-facility', 'maker', 'chip-1'], ['event-6', 'at-facility', 'maker', 'board']]);
    // Whoever the rack's shipment lets read the rack may read the chip too.
    expect(linksOf('chip-1')).toEqual(new Set(['maker:owner', 'maker:custodian', 'carrier:custodian', 'cloud:inbound', '@customs:TW:border', '@customs:DE:border']));
    expect(timelineOf('loose')).toEqual([['event-5', 'at-facility', 'maker', 'loose']]);
  });

  it('records each period a unit spends directly inside a container, from the container\'s packing to its unpacking', () => {
    const { containment, timelineOf } = run([
      ...RACK_AT_THE_FAB, shipped('rack', 'fab-tw', 'dc-de'), received('rack', 'dc-de'),
      ...unpacked('board', 'rack', 'dc-de', 'cloud'), shipped('rack', 'dc-de', 'fab-tw'),
    ]);
    expect(containment()).toEqual([
      ['containment-began', 'chip-1', 'board', 'event-7'],
      ['containment-began', 'chip-2', 'board', 'event-9'],
      ['containment-began', 'board', 'rack', 'event-11'],
      ['containment-ended', 'board', 'rack', 'event-15'],
    ]);
    // Out of the rack, the board is where it was unpacked, held by whoever unpacked it.
    expect(timelineOf('board').at(-1)).toEqual(['event-14', 'at-facility', 'cloud', 'board']);
  });

  it('passes a container\'s flags on to its contents, and counts contents where the container is', () => {
    const { written, changes } = run([...RACK_AT_THE_FAB, shipped('rack', 'fab-tw', 'dc-de'), received('rack', 'dc-de', true)]);
    expect(written.assets.get('chip-2')?.asset.own.flags).toEqual(['diverted']);
    expect(written.assets.get('loose')?.asset.own.flags).toEqual([]);
    const moves = changes.filter((change) => change.type === 'inventory-moved');
    // One batch: each asset is counted once, where it ended.
    expect(moves).toHaveLength(5);
    expect(moves.filter((move) => move.to?.facilityId === 'dc-de').map((move) => move.kind).sort()).toEqual(['board', 'chip', 'chip', 'rack']);
  });

  it('resumes a container\'s contents from what was written when it no longer holds them in memory', () => {
    const events = [...RACK_AT_THE_FAB, shipped('rack', 'fab-tw', 'dc-de'), received('rack', 'dc-de', true)];
    const remembering = run(events, { batchSize: 1 });
    const forgetting = run(events, { batchSize: 1, forgetting: true });
    expect(forgetting.changes).toEqual(remembering.changes);
    expect(forgetting.timelineOf('chip-1').map(([eventId]) => eventId)).toEqual(['event-3', 'event-6']);
    expect(forgetting.written.assets.get('chip-1')?.asset).toMatchObject({ rootId: 'rack', effective: { status: 'at-facility', facilityId: 'dc-de' }, own: { flags: ['diverted'] } });
  });

  it('ends in the same state however the events are batched and whatever it forgot in between (property)', () => {
    const ASSETS = [['crate', 'crate'], ['rack', 'rack'], ['board', 'board'], ['chip-1', 'chip'], ['chip-2', 'chip']] as const;
    const step = fc.tuple(fc.constantFrom('pack', 'unpack', 'ship', 'receive'), fc.nat(ASSETS.length - 1), fc.nat(ASSETS.length - 1), fc.boolean());
    fc.assert(fc.property(fc.array(step, { maxLength: 30 }), fc.integer({ min: 1, max: 7 }), (steps, batchSize) => {
      // A legal history: packing without cycles, at one facility; only outermost assets travel.
      const parent = new Map<string, string | null>(ASSETS.map(([id]) => [id, null]));
      const at = new Map<string, string | null>(ASSETS.map(([id]) => [id, 'fab-tw']));
      const events: TestEvent[] = ASSETS.map(([id, kind]) => manufactured(id, kind));
      const ancestors = (id: string): string[] => {
        const chain: string[] = [];
        for (let p = parent.get(id) ?? null; p !== null; p = parent.get(p) ?? null) chain.push(p);
        return chain;
      };
      for (const [action, a, b, diverted] of steps) {
        const [child, kind] = ASSETS[a];
        const [container, containerKind] = ASSETS[b];
        const free = parent.get(child) === null;
        if (action === 'pack' && free && containerKind !== 'chip' && child !== container && !ancestors(container).includes(child)
          && at.get(child) !== null && at.get(ancestors(container).at(-1) ?? container) === at.get(child)) {
          events.push(...packed(child, container));
          parent.set(child, container);
        } else if (action === 'unpack' && !free) {
          const root = ancestors(child).at(-1) as string;
          const facility = at.get(root);
          if (facility === null || facility === undefined) continue;
          events.push(...unpacked(child, parent.get(child) as string, facility, FACILITIES[facility].operatorId));
          parent.set(child, null);
          at.set(child, facility);
        } else if (action === 'ship' && free && at.get(child) !== null) {
          const from = at.get(child) as string;
          events.push(shipped(child, from, from === 'fab-tw' ? 'dc-de' : 'fab-tw'));
          at.set(child, null);
        } else if (action === 'receive' && free && at.get(child) === null) {
          events.push(received(child, 'dc-de', diverted));
          at.set(child, 'dc-de');
        }
        void kind;
      }
      const whole = run(events);
      const batched = run(events, { batchSize, forgetting: true });
      expect([...batched.written.assets.entries()].sort()).toEqual([...whole.written.assets.entries()].sort());
      expect(batched.containment()).toEqual(whole.containment());
      for (const [id] of ASSETS) {
        expect(batched.timelineOf(id)).toEqual(whole.timelineOf(id));
        expect(batched.linksOf(id)).toEqual(whole.linksOf(id));
        // Effective state is the outermost container's own: the reference model above knows where that is.
        const asset = whole.written.assets.get(id)?.asset as EffectiveAsset;
        const root = ancestors(id).at(-1) ?? id;
        expect(asset.rootId).toBe(root);
        expect(asset.effective.facilityId).toBe(at.get(root));
        expect(asset.own.parentId).toBe(parent.get(id));
      }
    }), { numRuns: 150 });
  });
});

import { ACCELERATOR_MODELS } from '../catalogue/accelerator-models';
import { InvalidReference, NotPermitted, OccurredInFuture } from '../core/common.errors';
import {
  ASSEMBLER, ASSEMBLY, CARRIER, CUSTOMS, CUSTOMS_NL, DATACENTER, DATACENTER_NL, DC_OPERATOR, DC_OPERATOR_NL,
  DISTRIBUTOR, FAB, H100, INVESTIGATOR, MAKER, NO_ASSET, NOBODY, NOW, NOWHERE, REGISTRY, WAREHOUSE, assetHistory, assetIn,
  at, cleared, command, dated, custodianIn, decommissioned, deliveredTo, destroyed, except, given, held, historyIn, installed,
  manufactured, on, packed, packedInto, packing, received, reportedMissing, shipped, transferred, unpacked, unpackedFrom,
} from '../testing';
import { ASSET_STATUSES } from './asset-kind';
import { MAX_NESTING } from './asset.scope';
import {
  AlreadyPacked, AssetAlreadyExists, AssetIsPacked, AssetNotFound, ContainerNotEmpty, CustomsHoldActive, FacilityMismatch,
  InvalidTransition, NestingTooDeep, NotAContainer, NotHeldByCustoms, NotPackedIn, OccurredBeforeLatestChange,
  OutsideJurisdiction, PackingCycle,
} from './asset.errors';

const C1 = 'gpu-1';
const C2 = 'gpu-2';
const C3 = 'gpu-3';
const B = 'board-1';
const S = 'server-1';
const R = 'rack-1';

/** A chip packed in a board packed in a server, the server delivered to the Ashburn datacenter. */
const serverAtDatacenter = [
  assetIn('at-facility', C1), assetIn('at-facility', B, 'board'), assetIn('at-facility', S, 'server'),
  packing(B, [C1]), packing(S, [B]),
  assetHistory(S, shipped(S, FAB, DATACENTER), received(S, DATACENTER)),
];

describe('business time', () => {
  const uninstall = (occurredAt: string) => command('UninstallAsset', { assetId: C1 }, DC_OPERATOR, { occurredAt });
  const uninstalled = [on(C1, { type: 'AssetUninstalled', data: { assetId: C1, facilityId: DATACENTER.id } })];

  it('refuses an occurredAt more than five minutes ahead of the ledger clock', () =>
    given(REGISTRY, assetIn('installed', C1)).when(uninstall(at(NOW, 5 * 60_000 + 1)))
      .thenThrows(OccurredInFuture, { occurredAt: at(NOW, 5 * 60_000 + 1), now: NOW }));

  it('accepts a clock skew of exactly five minutes', () =>
    given(REGISTRY, assetIn('installed', C1)).when(uninstall(at(NOW, 5 * 60_000))).then(uninstalled));

  it('accepts late reports', () =>
    given(REGISTRY, assetIn('installed', C1)).when(uninstall(at(NOW, -7 * 24 * 3600_000))).then(uninstalled));

  it('refuses a business time that is not a date', () =>
    given(REGISTRY, assetIn('installed', C1)).when(uninstall('the day before yesterday')).thenThrows(InvalidReference, { field: 'occurredAt' }));

  it('checks time before anything else', () =>
    given(REGISTRY).when(command('UninstallAsset', { assetId: NO_ASSET }, CARRIER, { occurredAt: at(NOW, 3600_000) }))
      .thenThrows(OccurredInFuture));
});

describe('business time runs forward for every asset', () => {
  const day = (d: number): string => at(NOW, (d - 30) * 24 * 3600_000);
  const when = (d: number) => ({ occurredAt: day(d) });
  const made = dated(day(1), assetIn('at-facility', C1));
  const inTransit = [made, dated(day(3), assetHistory(C1, shipped(C1, FAB, DATACENTER)))];
  const receive = (d: number) => command('ReceiveAsset', { assetId: C1, facilityId: DATACENTER.id }, DC_OPERATOR, when(d));
  const attest = (d: number) => command('AttestLocation', { assetId: C1, observedFacilityId: FAB.id, method: 'inspection' }, INVESTIGATOR, when(d));

  it('refuses a receipt dated before the shipment', () =>
    given(REGISTRY, ...inTransit).when(receive(2))
      .thenThrows(OccurredBeforeLatestChange, { assetId: C1, occurredAt: day(2), notBefore: day(3) }));

  it('accepts a receipt at the very time of the shipment, or after it', async () => {
    await given(REGISTRY, ...inTransit).when(receive(3)).then([on(C1, received(C1, DATACENTER))]);
    await given(REGISTRY, ...inTransit).when(receive(4)).then([on(C1, received(C1, DATACENTER))]);
  });

  it('refuses an installation dated before the asset was made', () =>
    given(REGISTRY, dated(day(5), deliveredTo(C1)))
      .when(command('InstallAsset', { assetId: C1, cluster: 'pod-a' }, DC_OPERATOR, when(1)))
      .thenThrows(OccurredBeforeLatestChange, { notBefore: day(5) }));

  it('accepts a late observation, dated before changes recorded earlier', () =>
    given(REGISTRY, ...inTransit).when(attest(2)).then([on(C1, {
      type: 'LocationAttested',
      data: { assetId: C1, attestedBy: INVESTIGATOR.id, method: 'inspection', observedFacilityId: FAB.id, expectedFacilityId: null, matches: false },
    })]));

  it('refuses an observation dated before the asset was registered', () =>
    given(REGISTRY, ...inTransit).when(attest(0)).thenThrows(OccurredBeforeLatestChange, { notBefore: day(1) }));

  it('refuses a change of a packed asset dated before its container last moved', () =>
    given(REGISTRY, dated(day(1), assetIn('at-facility', C1), assetIn('at-facility', B, 'board'), packing(B, [C1])),
      dated(day(4), assetHistory(B, shipped(B, FAB, DATACENTER))))
      .when(command('TransferOwnership', { assetId: C1, toOwnerId: DC_OPERATOR.id }, MAKER, when(3)))
      .thenThrows(OccurredBeforeLatestChange, { assetId: B, notBefore: day(4) }));

  it('refuses to move a container dated before a change of something inside it', () =>
    given(REGISTRY, dated(day(1), assetIn('at-facility', C1), assetIn('at-facility', B, 'board'), assetIn('at-facility', S, 'server'),
      packing(S, [B])), dated(day(5), packing(B, [C1])))
      .when(command('ShipAsset', { assetId: S, toFacilityId: DATACENTER.id, carrierId: CARRIER.id }, MAKER, when(4)))
      .thenThrows(OccurredBeforeLatestChange, { notBefore: day(5) }));

  it('refuses to pack into a container dated before the containers around it last changed', () =>
    given(REGISTRY, dated(day(1), assetIn('at-facility', C1), assetIn('at-facility', B, 'board'), assetIn('at-facility', S, 'server'),
      packing(S, [B])), dated(day(5), assetHistory(S, unpacked(S, []))))
      .when(command('PackAssets', { parentId: B, childIds: [C1] }, MAKER, when(4)))
      .thenThrows(OccurredBeforeLatestChange, { assetId: S, notBefore: day(5) }));

  it('refuses a change that would write to an asset dated before its latest change', () =>
    given(REGISTRY, dated(day(1), assetIn('at-facility', B, 'board')), dated(day(6), assetIn('at-facility', C1)))
      .when(command('PackAssets', { parentId: B, childIds: [C1] }, MAKER, when(4)))
      .thenThrows(OccurredBeforeLatestChange, { assetId: C1, notBefore: day(6) }));

  it('checks nothing against a history recorded without business times', () =>
    given(REGISTRY, assetIn('in-transit', C1)).when(receive(2)).then([on(C1, received(C1, DATACENTER))]));
});

describe('ManufactureAsset', () => {
  const manufacture = (data: Partial<{ assetId: string; kind: 'chip' | 'board'; model: string; facilityId: string }>, by = MAKER) =>
    command('ManufactureAsset', { assetId: C1, kind: 'chip', model: H100, facilityId: FAB.id, ...data }, by);

  it('registers a chip at the maker\'s own fab, owned and held by the maker', () =>
    given(REGISTRY)
      .when(command('ManufactureAsset', { assetId: C1, kind: 'chip', model: H100, serialNumber: 'SN-1', facilityId: FAB.id }, MAKER))
      .then([on(C1, {
        type: 'AssetManufactured',
        data: { assetId: C1, kind: 'chip', model: H100, serialNumber: 'SN-1', manufacturerId: MAKER.id, facilityId: FAB.id },
      })]));

  it.each(ACCELERATOR_MODELS.map((model) => model.id))('accepts the catalogue model %s', (model) =>
    given(REGISTRY).when(manufacture({ model })).then([on(C1, manufactured(C1, 'chip', FAB, model))]));

  // Policy never refuses a fact: a chip of a model the catalogue lacks is recorded (flagged later, not refused).
  it('registers a chip of a model outside the catalogue', () =>
    given(REGISTRY).when(manufacture({ model: 'ghost-9000' })).then([on(C1, manufactured(C1, 'chip', FAB, 'ghost-9000'))]));

  it.each(['board', 'server', 'rack', 'pallet', 'crate'] as const)('registers a %s under any model name', (kind) =>
    given(REGISTRY)
      .when(command('ManufactureAsset', { assetId: S, kind, model: 'HGX H100 8-GPU', facilityId: ASSEMBLY.id }, ASSEMBLER))
      .then([on(S, manufactured(S, kind, ASSEMBLY, 'HGX H100 8-GPU'))]));

  it.each([
    { case: 'a party without the manufacturer role', by: DC_OPERATOR, data: { facilityId: DATACENTER.id }, error: NotPermitted },
    { case: 'a manufacturer at a facility it does not operate', by: MAKER, data: { facilityId: ASSEMBLY.id }, error: NotPermitted },
    { case: 'an unknown facility', by: MAKER, data: { facilityId: NOWHERE }, error: InvalidReference },
  ])('refuses $case', ({ by, data, error }) => given(REGISTRY).when(manufacture(data, by)).thenThrows(error));

  it.each(ASSET_STATUSES)('refuses an id already registered (%s)', (status) =>
    given(REGISTRY, assetIn(status, C1)).when(manufacture({})).thenThrows(AssetAlreadyExists, { assetId: C1 }));
});

describe('PackAssets', () => {
  const pack = (parentId: string, childIds: readonly string[], by = MAKER) => command('PackAssets', { parentId, childIds }, by);
  const atFab = [assetIn('at-facility', B, 'board'), assetIn('at-facility', C1), assetIn('at-facility', C2)];

  it('packs chips into a board: container first, then each child', () =>
    given(REGISTRY, ...atFab).when(pack(B, [C1, C2]))
      .then([on(B, packed(B, [C1, C2])), on(C1, packedInto(C1, B)), on(C2, packedInto(C2, B))]));

  it('packs into a board inside a server at the server\'s facility, by the server\'s custodian', () =>
    given(REGISTRY, ...serverAtDatacenter, deliveredTo(C2)).when(pack(B, [C2], DC_OPERATOR))
      .then([on(B, packed(B, [C2], DATACENTER)), on(C2, packedInto(C2, B))]));

  it('packs into an installed rack', () =>
    given(REGISTRY, assetIn('installed', R, 'rack'), deliveredTo(C1)).when(pack(R, [C1], DC_OPERATOR))
      .then([on(R, packed(R, [C1], DATACENTER)), on(C1, packedInto(C1, R))]));

  it('writes nothing when re-run after it took effect', () =>
    given(REGISTRY, ...atFab, packing(B, [C1, C2])).when(pack(B, [C1, C2])).then([]));

  it('completes the container side when only the child side was written', () =>
    given(REGISTRY, ...atFab, assetHistory(C1, packedInto(C1, B))).when(pack(B, [C1]))
      .then([on(B, packed(B, [C1]))]));

  it('completes the child side when only the container side was written', () =>
    given(REGISTRY, ...atFab, assetHistory(B, packed(B, [C1]))).when(pack(B, [C1]))
      .then([on(C1, packedInto(C1, B))]));

  it('writes only what is missing when one child was already packed', () =>
    given(REGISTRY, ...atFab, packing(B, [C1])).when(pack(B, [C1, C2]))
      .then([on(B, packed(B, [C2])), on(C2, packedInto(C2, B))]));

  it('packs a child named twice once', () =>
    given(REGISTRY, ...atFab).when(pack(B, [C1, C1]))
      .then([on(B, packed(B, [C1])), on(C1, packedInto(C1, B))]));

  it.each([
    { case: 'an unknown container', history: atFab, cmd: pack(NO_ASSET, [C1]), error: AssetNotFound },
    { case: 'a party other than the custodian', history: atFab, cmd: pack(B, [C1], CARRIER), error: NotPermitted },
    {
      case: 'the board\'s own (frozen) custodian once its server moved on', history: [...serverAtDatacenter, deliveredTo(C2)],
      cmd: pack(B, [C2], MAKER), error: NotPermitted,
    },
    { case: 'a chip as container', history: atFab, cmd: pack(C1, [C2]), error: NotAContainer },
    { case: 'an unknown child', history: atFab, cmd: pack(B, [C1, NO_ASSET]), error: InvalidReference, fields: { field: 'childIds', value: NO_ASSET } },
    { case: 'packing a container into itself', history: atFab, cmd: pack(B, [B]), error: PackingCycle },
    {
      case: 'packing a container into what it contains',
      history: [assetIn('at-facility', B, 'board'), assetIn('at-facility', S, 'server'), packing(S, [B])],
      cmd: pack(B, [S]), error: PackingCycle, fields: { assetId: S, parentId: B },
    },
    {
      case: 'packing a container into what it contains two levels down',
      history: [assetIn('at-facility', B, 'board'), assetIn('at-facility', S, 'server'), assetIn('at-facility', R, 'rack'),
        packing(S, [B]), packing(R, [S])],
      cmd: pack(B, [R]), error: PackingCycle,
    },
    {
      case: 'a child packed in another container',
      history: [...atFab, assetIn('at-facility', S, 'server'), packing(S, [C1])],
      cmd: pack(B, [C1]), error: AlreadyPacked, fields: { assetId: C1, parentId: S },
    },
    {
      case: 'a child at another facility',
      history: [assetIn('at-facility', B, 'board'), assetHistory(C3, manufactured(C3, 'chip', ASSEMBLY))],
      cmd: pack(B, [C3]), error: FacilityMismatch, fields: { assetId: C3, facilityId: ASSEMBLY.id, expectedFacilityId: FAB.id },
    },
    {
      // Unreachable through commands (a facility's assets are held by its operator), but imported data may say so.
      case: 'a child at the same facility held by someone else',
      history: [...atFab, assetHistory(C3, manufactured(C3), {
        type: 'AssetRecovered', data: { assetId: C3, facilityId: FAB.id, custodianId: CARRIER.id },
      })],
      cmd: pack(B, [C3]), error: NotPermitted,
    },
  ])('refuses $case', ({ history, cmd, error, fields }) => given(REGISTRY, ...history).when(cmd).thenThrows(error, fields));

  it('refuses to pack into a container nested as deep as its ancestors are loaded, which could close a cycle', () => {
    // board-0 in board-1 ... in board-N: board-0's ancestors are loaded only up to MAX_NESTING, so board-N is not among them.
    const boards = Array.from({ length: MAX_NESTING + 2 }, (_, i) => `board-${i}`);
    const stack = boards.slice(1).map((id, i) => packing(id, [boards[i]]));
    return given(REGISTRY, ...boards.map((id) => assetIn('at-facility', id, 'board')), ...stack)
      .when(pack(boards[0], [boards[boards.length - 1]]))
      .thenThrows(NestingTooDeep, { assetId: boards[0], maxDepth: MAX_NESTING });
  });

  it('packs into a container nested just below that depth', () => {
    const boards = Array.from({ length: MAX_NESTING }, (_, i) => `board-${i}`);
    const stack = boards.slice(1).map((id, i) => packing(id, [boards[i]]));
    return given(REGISTRY, ...boards.map((id) => assetIn('at-facility', id, 'board')), assetIn('at-facility', C1), ...stack)
      .when(pack(boards[0], [C1])).then([on(boards[0], packed(boards[0], [C1])), on(C1, packedInto(C1, boards[0]))]);
  });

  it.each(except('at-facility', 'installed'))('refuses a container that is %s', (status) =>
    given(REGISTRY, assetIn(status, R, 'rack'), assetIn('at-facility', C1)).when(pack(R, [C1], custodianIn(status)))
      .thenThrows(InvalidTransition, { assetId: R, status }));

  it.each(except('at-facility'))('refuses a child that is %s', (status) =>
    given(REGISTRY, assetIn('at-facility', B, 'board'), assetIn(status, C1)).when(pack(B, [C1]))
      .thenThrows(InvalidTransition, { assetId: C1, status }));
});

describe('UnpackAssets', () => {
  const unpack = (parentId: string, childIds: readonly string[], by = MAKER) => command('UnpackAssets', { parentId, childIds }, by);
  const boardWithTwo = [assetIn('at-facility', B, 'board'), assetIn('at-facility', C1), assetIn('at-facility', C2), packing(B, [C1, C2])];

  it('takes a chip out of a board, where the board is and held by its holder', () =>
    given(REGISTRY, ...boardWithTwo).when(unpack(B, [C1]))
      .then([on(B, unpacked(B, [C1])), on(C1, unpackedFrom(C1, B, FAB, MAKER))]));

  it('restores the outermost container\'s location and custodian to a chip that travelled inside it', () =>
    given(REGISTRY, ...serverAtDatacenter).when(unpack(B, [C1], DC_OPERATOR))
      .then([on(B, unpacked(B, [C1], DATACENTER)), on(C1, unpackedFrom(C1, B, DATACENTER, DC_OPERATOR))]));

  it.each(['at-facility', 'installed', 'decommissioned'] as const)('unpacks from a container that is %s', (status) => {
    const [made, ...rest] = historyIn(status, R, 'rack');
    const site = status === 'at-facility' ? FAB : DATACENTER;
    return given(REGISTRY, assetIn('at-facility', C1), assetHistory(R, made, packed(R, [C1]), ...rest), assetHistory(C1, packedInto(C1, R)))
      .when(unpack(R, [C1], custodianIn(status)))
      .then([on(R, unpacked(R, [C1], site)), on(C1, unpackedFrom(C1, R, site, custodianIn(status)))]);
  });

  it('completes the container side when only the child side was written', () =>
    given(REGISTRY, ...boardWithTwo, assetHistory(C1, unpackedFrom(C1, B))).when(unpack(B, [C1]))
      .then([on(B, unpacked(B, [C1]))]));

  it('completes the child side when only the container side was written', () =>
    given(REGISTRY, ...boardWithTwo, assetHistory(B, unpacked(B, [C1]))).when(unpack(B, [C1]))
      .then([on(C1, unpackedFrom(C1, B, FAB, MAKER))]));

  it('unpacks a child named twice once', () =>
    given(REGISTRY, ...boardWithTwo).when(unpack(B, [C2, C2]))
      .then([on(B, unpacked(B, [C2])), on(C2, unpackedFrom(C2, B, FAB, MAKER))]));

  it.each([
    { case: 'an unknown container', history: boardWithTwo, cmd: unpack(NO_ASSET, [C1]), error: AssetNotFound },
    { case: 'a party other than the holder', history: boardWithTwo, cmd: unpack(B, [C1], DC_OPERATOR), error: NotPermitted },
    { case: 'the board\'s frozen custodian once its server moved on', history: serverAtDatacenter, cmd: unpack(B, [C1]), error: NotPermitted },
    { case: 'an unknown child', history: boardWithTwo, cmd: unpack(B, [NO_ASSET]), error: InvalidReference, fields: { field: 'childIds' } },
    {
      case: 'a child that is not inside', history: [...boardWithTwo, assetIn('at-facility', C3)],
      cmd: unpack(B, [C1, C3]), error: NotPackedIn, fields: { assetId: C3, parentId: B },
    },
    {
      case: 'a child inside another container', history: [...serverAtDatacenter],
      cmd: unpack(S, [C1], DC_OPERATOR), error: NotPackedIn, fields: { assetId: C1, parentId: S },
    },
    {
      // Unlike packing, a fully completed unpack cannot be told from one that never applied.
      case: 'a re-run after the unpack took effect',
      history: [...boardWithTwo, assetHistory(B, unpacked(B, [C1])), assetHistory(C1, unpackedFrom(C1, B))],
      cmd: unpack(B, [C1]), error: NotPackedIn,
    },
  ])('refuses $case', ({ history, cmd, error, fields }) => given(REGISTRY, ...history).when(cmd).thenThrows(error, fields));

  it.each(['in-transit', 'missing'] as const)('refuses a container that is %s', (status) => {
    const [made, ...rest] = historyIn(status, R, 'rack');
    return given(REGISTRY, assetIn('at-facility', C1), assetHistory(R, made, packed(R, [C1]), ...rest), assetHistory(C1, packedInto(C1, R)))
      .when(unpack(R, [C1], custodianIn(status)))
      .thenThrows(InvalidTransition, { assetId: R, status });
  });

  it('refuses a destroyed container', () =>
    given(REGISTRY, assetIn('destroyed', R, 'rack'), assetIn('at-facility', C1)).when(unpack(R, [C1], DC_OPERATOR))
      .thenThrows(InvalidTransition, { status: 'destroyed' }));
});

describe('ShipAsset', () => {
  const ship = (assetId: string, by = MAKER, data: Partial<{ toFacilityId: string; carrierId: string; exportLicence: string; transitCountries: string[] }> = {}) =>
    command('ShipAsset', { assetId, toFacilityId: DATACENTER.id, carrierId: CARRIER.id, ...data }, by);

  it('ships across a border, with the carrier as custodian', () =>
    given(REGISTRY, assetIn('at-facility', C1))
      .when(command('ShipAsset', {
        assetId: C1, toFacilityId: DATACENTER.id, carrierId: CARRIER.id, exportLicence: 'D123456', shipmentRef: 'MAEU-42',
      }, MAKER))
      .then([on(C1, {
        type: 'AssetShipped',
        data: {
          assetId: C1, fromFacilityId: FAB.id, toFacilityId: DATACENTER.id, carrierId: CARRIER.id, originCountry: 'TW',
          destinationCountry: 'US', crossBorder: true, exportLicence: 'D123456', shipmentRef: 'MAEU-42',
        },
      })]));

  it('ships within a country, the custodian carrying it itself', () =>
    given(REGISTRY, deliveredTo(C1, WAREHOUSE)).when(ship(C1, DISTRIBUTOR, { carrierId: DISTRIBUTOR.id }))
      .then([on(C1, {
        type: 'AssetShipped',
        data: {
          assetId: C1, fromFacilityId: WAREHOUSE.id, toFacilityId: DATACENTER.id, carrierId: DISTRIBUTOR.id, originCountry: 'US',
          destinationCountry: 'US', crossBorder: false, exportLicence: null, shipmentRef: null,
        },
      })]));

  it('records the declared transit countries in order, and the licence reference, on the shipped event', () =>
    given(REGISTRY, assetIn('at-facility', C1))
      .when(command('ShipAsset', {
        assetId: C1, toFacilityId: DATACENTER.id, carrierId: CARRIER.id, exportLicence: 'DE-AUS/2026.0042', transitCountries: ['SG', 'NL'],
      }, MAKER))
      .then([on(C1, {
        type: 'AssetShipped',
        data: {
          assetId: C1, fromFacilityId: FAB.id, toFacilityId: DATACENTER.id, carrierId: CARRIER.id, originCountry: 'TW',
          destinationCountry: 'US', crossBorder: true, exportLicence: 'DE-AUS/2026.0042', shipmentRef: null, transitCountries: ['SG', 'NL'],
        },
      })]));

  it('writes no transit field when none is declared, so new and old shipments without transit read alike', () =>
    given(REGISTRY, assetIn('at-facility', C1)).when(ship(C1, MAKER, { transitCountries: [] }))
      .then([on(C1, shipped(C1, FAB, DATACENTER))]));

  it.each([
    { case: 'the origin country as a transit country', data: { transitCountries: ['SG', 'TW'] }, fields: { field: 'transitCountries', value: 'TW' } },
    { case: 'the destination country as a transit country', data: { transitCountries: ['US'] }, fields: { field: 'transitCountries', value: 'US' } },
    { case: 'a transit country listed twice', data: { transitCountries: ['SG', 'NL', 'SG'] }, fields: { field: 'transitCountries', value: 'SG' } },
    { case: 'a transit country that is no ISO code', data: { transitCountries: ['XX'] }, fields: { field: 'transitCountries', value: 'XX' } },
    { case: 'more than 10 transit countries', data: { transitCountries: ['AE', 'BE', 'CA', 'DE', 'ES', 'FR', 'GB', 'HK', 'IT', 'JP', 'KR'] }, fields: { field: 'transitCountries' } },
    { case: 'a licence reference with a control character', data: { exportLicence: 'D123\u0000456' }, fields: { field: 'exportLicence' } },
    { case: 'a licence reference of prose', data: { exportLicence: 'see the attached letter!' }, fields: { field: 'exportLicence' } },
    { case: 'a licence reference over 64 characters', data: { exportLicence: 'D'.repeat(65) }, fields: { field: 'exportLicence' } },
  ])('refuses $case as an invalid reference, writing nothing', ({ data, fields }) =>
    given(REGISTRY, assetIn('at-facility', C1)).when(ship(C1, MAKER, data)).thenThrows(InvalidReference, fields));

  it('ships a container alone: its contents move with it', () =>
    given(REGISTRY, assetIn('at-facility', B, 'board'), assetIn('at-facility', C1), packing(B, [C1])).when(ship(B))
      .then([on(B, shipped(B, FAB, DATACENTER))]));

  it.each([
    { case: 'an unknown asset', history: [], cmd: ship(NO_ASSET), error: AssetNotFound },
    {
      case: 'a packed asset', history: [assetIn('at-facility', B, 'board'), assetIn('at-facility', C1), packing(B, [C1])],
      cmd: ship(C1), error: AssetIsPacked, fields: { assetId: C1, parentId: B },
    },
    { case: 'the owner who does not hold it', history: [deliveredTo(C1)], cmd: ship(C1, MAKER, { toFacilityId: FAB.id }), error: NotPermitted },
    { case: 'an unknown destination', history: [assetIn('at-facility', C1)], cmd: ship(C1, MAKER, { toFacilityId: NOWHERE }), error: InvalidReference, fields: { field: 'toFacilityId' } },
    { case: 'the facility it is at', history: [assetIn('at-facility', C1)], cmd: ship(C1, MAKER, { toFacilityId: FAB.id }), error: InvalidReference, fields: { field: 'toFacilityId' } },
    { case: 'an unknown carrier', history: [assetIn('at-facility', C1)], cmd: ship(C1, MAKER, { carrierId: NOBODY }), error: InvalidReference, fields: { field: 'carrierId' } },
    { case: 'a carrier without the carrier role', history: [assetIn('at-facility', C1)], cmd: ship(C1, MAKER, { carrierId: DC_OPERATOR.id }), error: InvalidReference, fields: { field: 'carrierId' } },
  ])('refuses $case', ({ history, cmd, error, fields }) => given(REGISTRY, ...history).when(cmd).thenThrows(error, fields));

  it.each(except('at-facility'))('refuses an asset that is %s', (status) =>
    given(REGISTRY, assetIn(status, C1)).when(ship(C1, custodianIn(status), { toFacilityId: DATACENTER_NL.id }))
      .thenThrows(InvalidTransition, { status }));
});

describe('ReceiveAsset', () => {
  const receive = (assetId: string, site = DATACENTER, by = site.operator) =>
    command('ReceiveAsset', { assetId, facilityId: site.id }, by);

  it('receives at the declared destination: the operator becomes custodian', () =>
    given(REGISTRY, assetIn('in-transit', C1)).when(receive(C1))
      .then([on(C1, {
        type: 'AssetReceived',
        data: { assetId: C1, facilityId: DATACENTER.id, country: 'US', receivedBy: DC_OPERATOR.id, expectedFacilityId: DATACENTER.id, diverted: false },
      })]));

  it('records and flags a diversion when it arrives elsewhere', () =>
    given(REGISTRY, assetIn('in-transit', C1)).when(receive(C1, DATACENTER_NL))
      .then([on(C1, {
        type: 'AssetReceived',
        data: { assetId: C1, facilityId: DATACENTER_NL.id, country: 'NL', receivedBy: DC_OPERATOR_NL.id, expectedFacilityId: DATACENTER.id, diverted: true },
      })]));

  it('receives once customs released its hold', () =>
    given(REGISTRY, assetIn('in-transit', C1), assetHistory(C1, held(C1), cleared(C1))).when(receive(C1))
      .then([on(C1, received(C1, DATACENTER))]));

  it.each([
    { case: 'an unknown asset', history: [], cmd: receive(NO_ASSET), error: AssetNotFound },
    {
      case: 'a packed asset',
      history: [assetIn('at-facility', B, 'board'), assetIn('at-facility', C1), packing(B, [C1]), assetHistory(B, shipped(B, FAB, DATACENTER))],
      cmd: receive(C1), error: AssetIsPacked,
    },
    { case: 'an unknown facility', history: [assetIn('in-transit', C1)], cmd: receive(C1, { ...DATACENTER, id: NOWHERE }), error: InvalidReference, fields: { field: 'facilityId' } },
    { case: 'the carrier', history: [assetIn('in-transit', C1)], cmd: receive(C1, DATACENTER, CARRIER), error: NotPermitted },
    { case: 'another facility\'s operator', history: [assetIn('in-transit', C1)], cmd: receive(C1, DATACENTER, DC_OPERATOR_NL), error: NotPermitted },
    {
      case: 'while customs holds it', history: [assetIn('in-transit', C1), assetHistory(C1, held(C1, CUSTOMS_NL))],
      cmd: receive(C1), error: CustomsHoldActive, fields: { agencyId: CUSTOMS_NL.id },
    },
  ])('refuses $case', ({ history, cmd, error, fields }) => given(REGISTRY, ...history).when(cmd).thenThrows(error, fields));

  it.each(except('in-transit'))('refuses an asset that is %s', (status) =>
    given(REGISTRY, assetIn(status, C1)).when(receive(C1)).thenThrows(InvalidTransition, { status }));
});

describe('HoldAtCustoms', () => {
  const hold = (assetId: string, by = CUSTOMS) => command('HoldAtCustoms', { assetId, country: 'US', reason: 'licence check' }, by);
  const heldBy = (agency: typeof CUSTOMS) =>
    [on(C1, { type: 'CustomsHeld', data: { assetId: C1, agencyId: agency.id, country: agency.country, reason: 'licence check' } })];
  /** Amsterdam to Ashburn: leaving NL, entering the US. */
  const fromAmsterdam = assetHistory(C1, manufactured(C1), shipped(C1, FAB, DATACENTER_NL), received(C1, DATACENTER_NL),
    shipped(C1, DATACENTER_NL, DATACENTER));

  it('lets the agency of the destination country hold an asset in transit', () =>
    given(REGISTRY, assetIn('in-transit', C1)).when(hold(C1)).then(heldBy(CUSTOMS)));

  it('lets the agency of the country it leaves hold it', () =>
    given(REGISTRY, fromAmsterdam)
      .when(command('HoldAtCustoms', { assetId: C1, reason: 'licence check' }, CUSTOMS_NL)).then(heldBy(CUSTOMS_NL)));

  it('records the agency\'s jurisdiction as the hold\'s country when the command names none', () =>
    given(REGISTRY, assetIn('in-transit', C1))
      .when(command('HoldAtCustoms', { assetId: C1, reason: 'licence check' }, CUSTOMS)).then(heldBy(CUSTOMS)));

  it('refuses an agency whose country the shipment neither enters nor leaves', () =>
    given(REGISTRY, assetIn('in-transit', C1)).when(hold(C1, CUSTOMS_NL)).thenThrows(OutsideJurisdiction, {
      agencyId: CUSTOMS_NL.id, jurisdiction: 'NL', originCountry: 'TW', destinationCountry: 'US',
    }));

  it('refuses a domestic shipment: it crosses no border', () =>
    given(REGISTRY, assetHistory(C1, ...historyIn('at-facility', C1).slice(0, 1), shipped(C1, FAB, DATACENTER), received(C1, DATACENTER),
      shipped(C1, DATACENTER, WAREHOUSE)))
      .when(hold(C1)).thenThrows(OutsideJurisdiction, { jurisdiction: 'US', originCountry: 'US', destinationCountry: 'US' }));

  it('refuses a country other than the agency\'s jurisdiction', () =>
    given(REGISTRY, fromAmsterdam)
      .when(command('HoldAtCustoms', { assetId: C1, country: 'US', reason: 'licence check' }, CUSTOMS_NL))
      .thenThrows(InvalidReference, { field: 'country', value: 'US' }));

  it.each([
    { case: 'an unknown asset', history: [], cmd: hold(NO_ASSET), error: AssetNotFound },
    { case: 'an investigator', history: [assetIn('in-transit', C1)], cmd: hold(C1, INVESTIGATOR), error: NotPermitted },
    { case: 'the carrier', history: [assetIn('in-transit', C1)], cmd: hold(C1, CARRIER), error: NotPermitted },
    {
      case: 'a packed asset',
      history: [assetIn('at-facility', B, 'board'), assetIn('at-facility', C1), packing(B, [C1]), assetHistory(B, shipped(B, FAB, DATACENTER))],
      cmd: hold(C1), error: AssetIsPacked,
    },
    { case: 'a second hold by the same agency', history: [assetIn('in-transit', C1), assetHistory(C1, held(C1))], cmd: hold(C1), error: CustomsHoldActive },
    {
      case: 'a hold while another agency holds it', history: [assetIn('in-transit', C1), assetHistory(C1, held(C1, CUSTOMS_NL))],
      cmd: hold(C1), error: CustomsHoldActive, fields: { agencyId: CUSTOMS_NL.id },
    },
  ])('refuses $case', ({ history, cmd, error, fields }) => given(REGISTRY, ...history).when(cmd).thenThrows(error, fields));

  it.each(except('in-transit'))('refuses an asset that is %s', (status) =>
    given(REGISTRY, assetIn(status, C1)).when(hold(C1)).thenThrows(InvalidTransition, { status }));
});

describe('ClearCustoms', () => {
  const clear = (assetId: string, by = CUSTOMS, releaseRef?: string) =>
    command('ClearCustoms', releaseRef ? { assetId, releaseRef } : { assetId }, by);
  const heldInTransit = [assetIn('in-transit', C1), assetHistory(C1, held(C1, CUSTOMS, 'US'))];

  it('lets the holding agency release its hold', () =>
    given(REGISTRY, ...heldInTransit).when(clear(C1, CUSTOMS, 'REL-7'))
      .then([on(C1, { type: 'CustomsCleared', data: { assetId: C1, agencyId: CUSTOMS.id, country: 'US', releaseRef: 'REL-7' } })]));

  it('records no release reference when none is given', () =>
    given(REGISTRY, ...heldInTransit).when(clear(C1)).then([on(C1, cleared(C1))]));

  it.each([
    { case: 'an unknown asset', history: [], cmd: clear(NO_ASSET), error: AssetNotFound },
    { case: 'a party without the customs role', history: heldInTransit, cmd: clear(C1, CARRIER), error: NotPermitted },
    { case: 'an agency that does not hold it', history: heldInTransit, cmd: clear(C1, CUSTOMS_NL), error: NotPermitted },
    {
      case: 'a packed asset',
      history: [assetIn('at-facility', B, 'board'), assetIn('at-facility', C1), packing(B, [C1]), assetHistory(B, shipped(B, FAB, DATACENTER))],
      cmd: clear(C1), error: AssetIsPacked,
    },
    { case: 'an asset not held', history: [assetIn('in-transit', C1)], cmd: clear(C1), error: NotHeldByCustoms },
  ])('refuses $case', ({ history, cmd, error }) => given(REGISTRY, ...history).when(cmd).thenThrows(error));

  it.each(except('in-transit'))('refuses an asset that is %s', (status) =>
    given(REGISTRY, assetIn(status, C1)).when(clear(C1)).thenThrows(InvalidTransition, { status }));
});

describe('TransferOwnership', () => {
  const transfer = (assetId: string, data: Partial<{ toOwnerId: string; contractRef: string; includeContents: boolean }> = {}, by = MAKER) =>
    command('TransferOwnership', { assetId, toOwnerId: DC_OPERATOR.id, ...data }, by);
  /** Server S holds board B (chips C1, C2) and chip C3. */
  const loadedServer = [
    assetIn('at-facility', S, 'server'), assetIn('at-facility', B, 'board'),
    assetIn('at-facility', C1), assetIn('at-facility', C2), assetIn('at-facility', C3),
    packing(B, [C1, C2]), packing(S, [B, C3]),
  ];

  it('transfers a chip with a contract reference', () =>
    given(REGISTRY, assetIn('at-facility', C1)).when(transfer(C1, { contractRef: 'SPA-2025-01' }))
      .then([on(C1, {
        type: 'OwnershipTransferred',
        data: { assetId: C1, fromOwnerId: MAKER.id, toOwnerId: DC_OPERATOR.id, viaContainerId: null, contractRef: 'SPA-2025-01' },
      })]));

  it.each(except('destroyed'))('transfers an asset that is %s (ownership is not possession)', (status) =>
    given(REGISTRY, assetIn(status, C1)).when(transfer(C1)).then([on(C1, transferred(C1, MAKER, DC_OPERATOR))]));

  it('transfers a packed asset on its own', () =>
    given(REGISTRY, ...loadedServer).when(transfer(C1)).then([on(C1, transferred(C1, MAKER, DC_OPERATOR))]));

  it('sells the contents with the container by default, depth first', () =>
    given(REGISTRY, ...loadedServer).when(transfer(S)).then([
      on(S, transferred(S, MAKER, DC_OPERATOR)),
      on(B, transferred(B, MAKER, DC_OPERATOR, S)),
      on(C1, transferred(C1, MAKER, DC_OPERATOR, S)),
      on(C2, transferred(C2, MAKER, DC_OPERATOR, S)),
      on(C3, transferred(C3, MAKER, DC_OPERATOR, S)),
    ]));

  it('sells the container alone when asked', () =>
    given(REGISTRY, ...loadedServer).when(transfer(S, { includeContents: false })).then([on(S, transferred(S, MAKER, DC_OPERATOR))]));

  it('skips contents owned by someone else and destroyed ones', () =>
    given(
      REGISTRY, ...loadedServer, assetHistory(C2, transferred(C2, MAKER, INVESTIGATOR)),
      // A stale listing: the board names a chip that was since destroyed (as after an interrupted unpack).
      assetIn('destroyed', 'gpu-x'), assetHistory(B, packed(B, ['gpu-x'])),
    ).when(transfer(S)).then([
      on(S, transferred(S, MAKER, DC_OPERATOR)),
      on(B, transferred(B, MAKER, DC_OPERATOR, S)),
      on(C1, transferred(C1, MAKER, DC_OPERATOR, S)),
      on(C3, transferred(C3, MAKER, DC_OPERATOR, S)),
    ]));

  it('still sells the seller\'s chips inside a board it does not own', () =>
    given(REGISTRY, ...loadedServer, assetHistory(B, transferred(B, MAKER, INVESTIGATOR))).when(transfer(S)).then([
      on(S, transferred(S, MAKER, DC_OPERATOR)),
      on(C1, transferred(C1, MAKER, DC_OPERATOR, S)),
      on(C2, transferred(C2, MAKER, DC_OPERATOR, S)),
      on(C3, transferred(C3, MAKER, DC_OPERATOR, S)),
    ]));

  it.each([
    { case: 'an unknown asset', history: [], cmd: transfer(NO_ASSET), error: AssetNotFound },
    { case: 'the custodian who does not own it', history: [assetIn('in-transit', C1)], cmd: transfer(C1, {}, CARRIER), error: NotPermitted },
    { case: 'a destroyed asset', history: [assetIn('destroyed', C1)], cmd: transfer(C1), error: InvalidTransition, fields: { status: 'destroyed' } },
    { case: 'an unknown buyer', history: [assetIn('at-facility', C1)], cmd: transfer(C1, { toOwnerId: NOBODY }), error: InvalidReference, fields: { field: 'toOwnerId' } },
    { case: 'a sale to the owner', history: [assetIn('at-facility', C1)], cmd: transfer(C1, { toOwnerId: MAKER.id }), error: InvalidReference, fields: { field: 'toOwnerId' } },
  ])('refuses $case', ({ history, cmd, error, fields }) => given(REGISTRY, ...history).when(cmd).thenThrows(error, fields));
});

describe('InstallAsset', () => {
  const install = (assetId: string, by = DC_OPERATOR) => command('InstallAsset', { assetId, cluster: 'pod-a' }, by);

  it('installs at a datacenter, at a rack and slot', () =>
    given(REGISTRY, deliveredTo(C1))
      .when(command('InstallAsset', { assetId: C1, cluster: 'pod-a', rack: 'r12', slot: 'u7' }, DC_OPERATOR))
      .then([on(C1, { type: 'AssetInstalled', data: { assetId: C1, facilityId: DATACENTER.id, cluster: 'pod-a', rack: 'r12', slot: 'u7' } })]));

  it('installs without a rack or slot', () =>
    given(REGISTRY, deliveredTo(C1)).when(install(C1)).then([on(C1, installed(C1))]));

  it.each([
    { case: 'an unknown asset', history: [], cmd: install(NO_ASSET), error: AssetNotFound },
    {
      case: 'a packed asset', history: [deliveredTo(B, DATACENTER, 'board'), deliveredTo(C1), packing(B, [C1], DATACENTER)],
      cmd: install(C1), error: AssetIsPacked,
    },
    { case: 'the owner who does not hold it', history: [deliveredTo(C1)], cmd: install(C1, MAKER), error: NotPermitted },
    { case: 'an asset at a fab', history: [assetIn('at-facility', C1)], cmd: install(C1, MAKER), error: InvalidReference, fields: { field: 'facilityId', value: FAB.id } },
    { case: 'an asset at a warehouse', history: [deliveredTo(C1, WAREHOUSE)], cmd: install(C1, DISTRIBUTOR), error: InvalidReference },
  ])('refuses $case', ({ history, cmd, error, fields }) => given(REGISTRY, ...history).when(cmd).thenThrows(error, fields));

  it.each(except('at-facility'))('refuses an asset that is %s', (status) =>
    given(REGISTRY, assetIn(status, C1)).when(install(C1, custodianIn(status))).thenThrows(InvalidTransition, { status }));
});

describe('UninstallAsset', () => {
  const uninstall = (assetId: string, by = DC_OPERATOR) => command('UninstallAsset', { assetId }, by);

  it('takes an installed asset out of service, where it is', () =>
    given(REGISTRY, assetIn('installed', C1)).when(uninstall(C1))
      .then([on(C1, { type: 'AssetUninstalled', data: { assetId: C1, facilityId: DATACENTER.id } })]));

  it.each([
    { case: 'an unknown asset', history: [], cmd: uninstall(NO_ASSET), error: AssetNotFound },
    {
      case: 'a packed asset', history: [assetIn('installed', R, 'rack'), deliveredTo(C1), packing(R, [C1], DATACENTER)],
      cmd: uninstall(C1), error: AssetIsPacked,
    },
    { case: 'the owner who does not hold it', history: [assetIn('installed', C1)], cmd: uninstall(C1, MAKER), error: NotPermitted },
  ])('refuses $case', ({ history, cmd, error }) => given(REGISTRY, ...history).when(cmd).thenThrows(error));

  it.each(except('installed'))('refuses an asset that is %s', (status) =>
    given(REGISTRY, assetIn(status, C1)).when(uninstall(C1, custodianIn(status))).thenThrows(InvalidTransition, { status }));
});

describe('ReportAssetMissing', () => {
  const report = (assetId: string, by = DC_OPERATOR) => command('ReportAssetMissing', { assetId, circumstances: 'not found at stock-take' }, by);

  it.each([
    { case: 'the custodian', by: DC_OPERATOR },
    { case: 'the owner', by: MAKER },
    { case: 'an investigator', by: INVESTIGATOR },
  ])('lets $case report an asset missing', ({ by }) =>
    given(REGISTRY, assetIn('installed', C1)).when(report(C1, by)).then([on(C1, reportedMissing(C1, by, DATACENTER))]));

  it.each([
    { status: 'at-facility', lastKnown: FAB },
    { status: 'in-transit', lastKnown: FAB },
    { status: 'installed', lastKnown: DATACENTER },
    { status: 'decommissioned', lastKnown: DATACENTER },
  ] as const)('reports an asset that is $status, last known at its (origin) facility', ({ status, lastKnown }) =>
    given(REGISTRY, assetIn(status, C1)).when(report(C1, custodianIn(status)))
      .then([on(C1, reportedMissing(C1, custodianIn(status), lastKnown))]));

  it.each([
    { case: 'an unknown asset', history: [], cmd: report(NO_ASSET), error: AssetNotFound },
    { case: 'customs', history: [assetIn('installed', C1)], cmd: report(C1, CUSTOMS), error: NotPermitted },
    { case: 'another operator', history: [assetIn('installed', C1)], cmd: report(C1, DC_OPERATOR_NL), error: NotPermitted },
    { case: 'a packed asset', history: serverAtDatacenter, cmd: report(C1, MAKER), error: AssetIsPacked },
    { case: 'the carrier, while customs holds it', history: [assetIn('in-transit', C1), assetHistory(C1, held(C1))], cmd: report(C1, CARRIER), error: CustomsHoldActive },
  ])('refuses $case', ({ history, cmd, error }) => given(REGISTRY, ...history).when(cmd).thenThrows(error));

  it.each(['missing', 'destroyed'] as const)('refuses an asset that is %s', (status) =>
    given(REGISTRY, assetIn(status, C1)).when(report(C1)).thenThrows(InvalidTransition, { status }));
});

describe('RecoverAsset', () => {
  const recover = (assetId: string, site = DATACENTER_NL, by = site.operator) =>
    command('RecoverAsset', { assetId, facilityId: site.id }, by);

  it('lets the operator where it turned up recover it, and hold it', () =>
    given(REGISTRY, assetIn('missing', C1)).when(recover(C1))
      .then([on(C1, { type: 'AssetRecovered', data: { assetId: C1, facilityId: DATACENTER_NL.id, custodianId: DC_OPERATOR_NL.id } })]));

  it('lets an investigator recover it anywhere, into the facility operator\'s custody', () =>
    given(REGISTRY, assetIn('missing', C1)).when(recover(C1, WAREHOUSE, INVESTIGATOR))
      .then([on(C1, { type: 'AssetRecovered', data: { assetId: C1, facilityId: WAREHOUSE.id, custodianId: DISTRIBUTOR.id } })]));

  it.each([
    { case: 'an unknown asset', history: [], cmd: recover(NO_ASSET), error: AssetNotFound },
    { case: 'an unknown facility', history: [assetIn('missing', C1)], cmd: recover(C1, { ...DATACENTER_NL, id: NOWHERE }, INVESTIGATOR), error: InvalidReference },
    { case: 'another facility\'s operator', history: [assetIn('missing', C1)], cmd: recover(C1, DATACENTER_NL, DC_OPERATOR), error: NotPermitted },
    { case: 'the owner', history: [assetIn('missing', C1)], cmd: recover(C1, DATACENTER_NL, MAKER), error: NotPermitted },
  ])('refuses $case', ({ history, cmd, error }) => given(REGISTRY, ...history).when(cmd).thenThrows(error));

  it.each(except('missing'))('refuses an asset that is %s', (status) =>
    given(REGISTRY, assetIn(status, C1)).when(recover(C1, DATACENTER_NL, INVESTIGATOR)).thenThrows(InvalidTransition, { status }));
});

describe('DecommissionAsset', () => {
  const decommission = (assetId: string, by = DC_OPERATOR) => command('DecommissionAsset', { assetId, reason: 'end of life' }, by);

  it.each([
    { status: 'at-facility', site: FAB },
    { status: 'installed', site: DATACENTER },
  ] as const)('decommissions an asset that is $status', ({ status, site }) =>
    given(REGISTRY, assetIn(status, C1)).when(decommission(C1, custodianIn(status))).then([on(C1, decommissioned(C1, site))]));

  it('decommissions a container with its contents', () =>
    given(REGISTRY, ...serverAtDatacenter).when(decommission(S)).then([on(S, decommissioned(S))]));

  it.each([
    { case: 'an unknown asset', history: [], cmd: decommission(NO_ASSET), error: AssetNotFound },
    { case: 'a packed asset', history: serverAtDatacenter, cmd: decommission(B), error: AssetIsPacked },
    { case: 'the owner who does not hold it', history: [assetIn('installed', C1)], cmd: decommission(C1, MAKER), error: NotPermitted },
  ])('refuses $case', ({ history, cmd, error }) => given(REGISTRY, ...history).when(cmd).thenThrows(error));

  it.each(except('at-facility', 'installed'))('refuses an asset that is %s', (status) =>
    given(REGISTRY, assetIn(status, C1)).when(decommission(C1, custodianIn(status))).thenThrows(InvalidTransition, { status }));
});

describe('DestroyAsset', () => {
  const destroy = (assetId: string, by = DC_OPERATOR) => command('DestroyAsset', { assetId, certificateRef: 'cert-1' }, by);

  it('destroys a decommissioned asset under a certificate', () =>
    given(REGISTRY, assetIn('decommissioned', C1))
      .when(command('DestroyAsset', { assetId: C1, certificateRef: 'R2-881', method: 'shredding' }, DC_OPERATOR))
      .then([on(C1, {
        type: 'AssetDestroyed', data: { assetId: C1, facilityId: DATACENTER.id, certificateRef: 'R2-881', method: 'shredding' },
      })]));

  it('destroys a container once emptied', () =>
    given(REGISTRY, ...serverAtDatacenter, assetHistory(S, decommissioned(S), unpacked(S, [B], DATACENTER)),
      assetHistory(B, unpackedFrom(B, S, DATACENTER))).when(destroy(S)).then([on(S, destroyed(S))]));

  it.each([
    { case: 'an unknown asset', history: [], cmd: destroy(NO_ASSET), error: AssetNotFound },
    { case: 'a packed asset', history: serverAtDatacenter, cmd: destroy(B), error: AssetIsPacked },
    { case: 'the owner who does not hold it', history: [assetIn('decommissioned', C1)], cmd: destroy(C1, MAKER), error: NotPermitted },
    {
      case: 'a container that still holds assets', history: [...serverAtDatacenter, assetHistory(S, decommissioned(S))],
      cmd: destroy(S), error: ContainerNotEmpty, fields: { assetId: S, childIds: [B] },
    },
  ])('refuses $case', ({ history, cmd, error, fields }) => given(REGISTRY, ...history).when(cmd).thenThrows(error, fields));

  it.each(except('decommissioned'))('refuses an asset that is %s', (status) =>
    given(REGISTRY, assetIn(status, C1)).when(destroy(C1, custodianIn(status))).thenThrows(InvalidTransition, { status }));
});

describe('AttestLocation', () => {
  const attest = (assetId: string, by: typeof MAKER, site = DATACENTER) =>
    command('AttestLocation', { assetId, observedFacilityId: site.id, method: 'inspection' }, by);
  const attested = (assetId: string, by: typeof MAKER, site: typeof FAB, expected: typeof FAB | null) => on(assetId, {
    type: 'LocationAttested',
    data: {
      assetId, attestedBy: by.id, method: 'inspection', observedFacilityId: site.id,
      expectedFacilityId: expected?.id ?? null, matches: expected?.id === site.id,
    },
  });

  it.each([
    { case: 'customs', by: CUSTOMS },
    { case: 'an investigator', by: INVESTIGATOR },
    { case: 'the custodian, who operates the facility', by: DC_OPERATOR },
  ])('lets $case confirm where it is', ({ by }) =>
    given(REGISTRY, assetIn('installed', C1)).when(attest(C1, by)).then([attested(C1, by, DATACENTER, DATACENTER)]));

  it('lets the operator of the observed facility report it there: a flagged mismatch', () =>
    given(REGISTRY, assetIn('installed', C1)).when(attest(C1, DC_OPERATOR_NL, DATACENTER_NL))
      .then([on(C1, {
        type: 'LocationAttested',
        data: {
          assetId: C1, attestedBy: DC_OPERATOR_NL.id, method: 'inspection', observedFacilityId: DATACENTER_NL.id,
          expectedFacilityId: DATACENTER.id, matches: false,
        },
      })]));

  it('expects a packed chip where its outermost container is, and lets that container\'s custodian attest', () =>
    given(REGISTRY, ...serverAtDatacenter).when(attest(C1, DC_OPERATOR)).then([attested(C1, DC_OPERATOR, DATACENTER, DATACENTER)]));

  it.each([
    { status: 'at-facility', expected: FAB },
    { status: 'in-transit', expected: null },
    { status: 'installed', expected: DATACENTER },
    { status: 'missing', expected: null },
    { status: 'decommissioned', expected: DATACENTER },
  ] as const)('expects an asset that is $status at its facility, if any', ({ status, expected }) =>
    given(REGISTRY, assetIn(status, C1)).when(attest(C1, INVESTIGATOR)).then([attested(C1, INVESTIGATOR, DATACENTER, expected)]));

  it.each([
    { case: 'an unknown asset', history: [], cmd: attest(NO_ASSET, INVESTIGATOR), error: AssetNotFound },
    {
      case: 'an unknown facility', history: [assetIn('installed', C1)], cmd: attest(C1, INVESTIGATOR, { ...DATACENTER, id: NOWHERE }),
      error: InvalidReference, fields: { field: 'observedFacilityId' },
    },
    { case: 'a carrier that does not hold it', history: [assetIn('installed', C1)], cmd: attest(C1, CARRIER), error: NotPermitted },
    { case: 'a packed chip\'s frozen custodian', history: serverAtDatacenter, cmd: attest(C1, MAKER), error: NotPermitted },
    { case: 'a destroyed asset', history: [assetIn('destroyed', C1)], cmd: attest(C1, INVESTIGATOR), error: InvalidTransition },
  ])('refuses $case', ({ history, cmd, error, fields }) => given(REGISTRY, ...history).when(cmd).thenThrows(error, fields));
});

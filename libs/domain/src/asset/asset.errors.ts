import { CustodyError } from '../core/custody-error';
import type { AssetStatus } from './asset-kind';

export class AssetNotFound extends CustodyError {
  readonly code = 'asset-not-found';
  constructor(readonly assetId: string) {
    super(`Asset ${assetId} is not registered`, { assetId });
  }
}

export class AssetAlreadyExists extends CustodyError {
  readonly code = 'asset-already-exists';
  constructor(readonly assetId: string) {
    super(`Asset ${assetId} is already registered`, { assetId });
  }
}

/** The asset's status does not allow the command (e.g. shipping an asset that is in transit). */
export class InvalidTransition extends CustodyError {
  readonly code = 'invalid-transition';
  constructor(readonly assetId: string, readonly status: AssetStatus, readonly command: string) {
    super(`Asset ${assetId} is ${status}: ${command} is not allowed`, { assetId, assetStatus: status, command });
  }
}

/** Packed assets move with their container: commands that move one must target the outermost container. */
export class AssetIsPacked extends CustodyError {
  readonly code = 'asset-is-packed';
  constructor(readonly assetId: string, readonly parentId: string, readonly command: string) {
    super(`Asset ${assetId} is packed in ${parentId}: unpack it, or ${command} its outermost container`, {
      assetId, parentId, command,
    });
  }
}

export class NotAContainer extends CustodyError {
  readonly code = 'not-a-container';
  constructor(readonly assetId: string) {
    super(`Asset ${assetId} is a chip: only boards, servers, racks, pallets and crates hold other assets`, { assetId });
  }
}

export class PackingCycle extends CustodyError {
  readonly code = 'packing-cycle';
  constructor(readonly assetId: string, readonly parentId: string) {
    super(`Asset ${assetId} cannot be packed into ${parentId}, which it contains`, { assetId, parentId });
  }
}

/** Containers are loaded up to MAX_NESTING deep: past that a cycle could not be ruled out, nor the outermost found. */
export class NestingTooDeep extends CustodyError {
  readonly code = 'nesting-too-deep';
  constructor(readonly assetId: string, readonly maxDepth: number) {
    super(`Asset ${assetId} is nested ${maxDepth} containers deep: nothing more can be packed into it`, { assetId, maxDepth });
  }
}

export class AlreadyPacked extends CustodyError {
  readonly code = 'already-packed';
  constructor(readonly assetId: string, readonly parentId: string) {
    super(`Asset ${assetId} is already packed in ${parentId}`, { assetId, parentId });
  }
}

export class NotPackedIn extends CustodyError {
  readonly code = 'not-packed-in';
  constructor(readonly assetId: string, readonly parentId: string) {
    super(`Asset ${assetId} is not packed in ${parentId}`, { assetId, parentId });
  }
}

export class FacilityMismatch extends CustodyError {
  readonly code = 'facility-mismatch';
  constructor(readonly assetId: string, readonly facilityId: string | null, readonly expectedFacilityId: string) {
    super(`Asset ${assetId} is at ${facilityId ?? 'no facility'}, not at ${expectedFacilityId}`, {
      assetId, facilityId, expectedFacilityId,
    });
  }
}

export class ContainerNotEmpty extends CustodyError {
  readonly code = 'container-not-empty';
  constructor(readonly assetId: string, readonly childIds: readonly string[]) {
    super(`Asset ${assetId} still holds ${childIds.length} asset(s): unpack them first`, { assetId, childIds });
  }
}

export class CustomsHoldActive extends CustodyError {
  readonly code = 'customs-hold-active';
  constructor(readonly assetId: string, readonly agencyId: string) {
    super(`Asset ${assetId} is held by customs agency ${agencyId}`, { assetId, agencyId });
  }
}

export class NotHeldByCustoms extends CustodyError {
  readonly code = 'not-held-by-customs';
  constructor(readonly assetId: string) {
    super(`Asset ${assetId} is not held by customs`, { assetId });
  }
}

/**
 * A change dated before the latest change of an asset it affects (its own, or one of the contents it moves): recorded,
 * it would make history say the asset was somewhere before it got there. An observation may be dated before later
 * changes, but not before the asset was registered. `notBefore` is that latest business time.
 */
export class OccurredBeforeLatestChange extends CustodyError {
  readonly code = 'occurred-before-latest-change';
  constructor(readonly assetId: string, readonly occurredAt: string, readonly notBefore: string) {
    super(`occurredAt ${occurredAt} precedes ${notBefore}, the business time of the latest change of asset ${assetId}`, {
      assetId, occurredAt, notBefore,
    });
  }
}

/** A customs agency acts only on shipments entering or leaving its own country (its party country). */
export class OutsideJurisdiction extends CustodyError {
  readonly code = 'outside-jurisdiction';
  constructor(
    readonly agencyId: string, readonly jurisdiction: string, readonly assetId: string,
    readonly originCountry: string | null, readonly destinationCountry: string | null,
  ) {
    super(
      `Customs agency ${agencyId} (${jurisdiction}) may not act on asset ${assetId}: its shipment ` +
        `${originCountry ?? '?'} -> ${destinationCountry ?? '?'} neither enters nor leaves ${jurisdiction}`,
      { agencyId, jurisdiction, assetId, originCountry, destinationCountry },
    );
  }
}

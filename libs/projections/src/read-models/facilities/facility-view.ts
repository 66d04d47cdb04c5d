import type { FacilityKind } from '@chip-ledger/domain';

export type FacilityView = {
  readonly facilityId: string;
  readonly name: string;
  readonly kind: FacilityKind;
  readonly country: string;
  readonly operatorId: string;
};

import { ASSET_KINDS } from '@chip-ledger/domain';
import type { AssetKind } from '@chip-ledger/domain';
import { EnumField, IdField, OccurredAtDto, OptionalTextField, TextField } from '../../http/dto-fields';

export class ManufactureAssetDto extends OccurredAtDto {
  @IdField('The asset\'s id in the ledger (e.g. a serial-derived identifier)', 'gpu-0001')
  assetId!: string;

  @EnumField('A chip, or a unit that holds assets', ASSET_KINDS, 'chip')
  kind!: AssetKind;

  @TextField('For a chip, an accelerator model id from GET /catalogue/accelerators (another id is recorded too, without compute figures); for a unit, its product name', 'nvidia-h100-sxm', 100)
  model!: string;

  @OptionalTextField('The maker\'s serial number', 'SN-1652-0001', 100)
  serialNumber?: string;

  @IdField('The facility where it was made (operated by the manufacturer)', 'fab-hsinchu')
  facilityId!: string;
}

import { IdField, OccurredAtDto, OptionalTextField } from '../../http/dto-fields';

export class ShipAssetDto extends OccurredAtDto {
  @IdField('Destination facility', 'dc-frankfurt')
  toFacilityId!: string;

  @IdField('The carrier party taking custody', 'carrier-maersk')
  carrierId!: string;

  @OptionalTextField('Export licence reference, for a shipment that crosses a border', 'BIS-D-2026-00042', 100)
  exportLicence?: string;

  @OptionalTextField('Shipment or waybill reference', 'AWB-176-12345675', 100)
  shipmentRef?: string;
}

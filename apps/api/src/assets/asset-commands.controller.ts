import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CommandContextParam } from '../http/command-context';
import type { CommandContext } from '../http/command-context';
import { CommandGateway, withoutOccurredAt } from '../http/command-gateway';
import { CommandResponseDto } from '../http/command-response.dto';
import { ParseIdPipe } from '../http/ids';
import { CustomsClearanceDto } from './dto/customs-clearance.dto';
import { CustomsHoldDto } from './dto/customs-hold.dto';
import { DecommissioningDto } from './dto/decommissioning.dto';
import { DestructionDto } from './dto/destruction.dto';
import { FacilityRefDto } from './dto/facility-ref.dto';
import { InstallationDto } from './dto/installation.dto';
import { LocationAttestationDto } from './dto/location-attestation.dto';
import { ManufactureAssetDto } from './dto/manufacture-asset.dto';
import { MissingReportDto } from './dto/missing-report.dto';
import { OwnershipTransferDto } from './dto/ownership-transfer.dto';
import { PackAssetsDto } from './dto/pack-assets.dto';
import { ShipAssetDto } from './dto/ship-asset.dto';
import { OccurredAtDto } from '../http/dto-fields';

const AssetId = () => Param('assetId', ParseIdPipe);

/** Custody events, one endpoint each. Every rule lives in the domain; this only maps HTTP to commands. */
@ApiTags('custody commands')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Retrying with the same key never writes twice and answers the same' })
@ApiHeader({ name: 'If-Match', required: false, description: 'ETag (stream revision) last seen: refuse with 412 if the asset changed since' })
@ApiResponse({ status: 201, type: CommandResponseDto })
@ApiResponse({ status: 400, description: 'Malformed request (problem+json)' })
@ApiResponse({ status: 401, description: 'No or unknown API key' })
@ApiResponse({ status: 403, description: 'The party may not do this' })
@ApiResponse({ status: 404, description: 'No such asset' })
@ApiResponse({ status: 409, description: 'The asset\'s state does not allow it' })
@ApiResponse({ status: 412, description: 'If-Match is stale' })
@ApiResponse({ status: 422, description: 'The command names something that cannot play its part' })
@Controller('assets')
export class AssetCommandsController {
  constructor(private readonly commands: CommandGateway) {}

  @Post()
  @ApiOperation({ summary: 'Register a chip or unit, made at one of the manufacturer\'s facilities' })
  manufacture(@Body() dto: ManufactureAssetDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('ManufactureAsset', withoutOccurredAt(dto), context, dto.occurredAt);
  }

  @Post(':assetId/packing')
  @ApiOperation({ summary: 'Put assets into this container (chips into a board, boards into a server, ...)' })
  pack(@AssetId() parentId: string, @Body() dto: PackAssetsDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('PackAssets', { parentId, childIds: dto.childIds }, context, dto.occurredAt);
  }

  @Post(':assetId/unpacking')
  @ApiOperation({ summary: 'Take assets out of this container' })
  unpack(@AssetId() parentId: string, @Body() dto: PackAssetsDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('UnpackAssets', { parentId, childIds: dto.childIds }, context, dto.occurredAt);
  }

  @Post(':assetId/shipments')
  @ApiOperation({ summary: 'Ship an outermost unit from its facility to another, handing it to a carrier' })
  ship(@AssetId() assetId: string, @Body() dto: ShipAssetDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('ShipAsset', { assetId, ...withoutOccurredAt(dto) }, context, dto.occurredAt);
  }

  @Post(':assetId/receipts')
  @ApiOperation({ summary: 'Receive an asset in transit at a facility you operate (elsewhere than declared is flagged)' })
  receive(@AssetId() assetId: string, @Body() dto: FacilityRefDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('ReceiveAsset', { assetId, facilityId: dto.facilityId }, context, dto.occurredAt);
  }

  @Post(':assetId/customs-holds')
  @ApiOperation({ summary: 'Customs: hold an asset in transit at a border' })
  hold(@AssetId() assetId: string, @Body() dto: CustomsHoldDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('HoldAtCustoms', { assetId, ...withoutOccurredAt(dto) }, context, dto.occurredAt);
  }

  @Post(':assetId/customs-clearances')
  @ApiOperation({ summary: 'Customs: release your hold' })
  clear(@AssetId() assetId: string, @Body() dto: CustomsClearanceDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('ClearCustoms', { assetId, ...withoutOccurredAt(dto) }, context, dto.occurredAt);
  }

  @Post(':assetId/ownership-transfers')
  @ApiOperation({ summary: 'Owner: transfer legal ownership (possession may not change)' })
  transfer(@AssetId() assetId: string, @Body() dto: OwnershipTransferDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('TransferOwnership', { assetId, ...withoutOccurredAt(dto) }, context, dto.occurredAt);
  }

  @Post(':assetId/installations')
  @ApiOperation({ summary: 'Put into service at the datacenter where it is' })
  install(@AssetId() assetId: string, @Body() dto: InstallationDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('InstallAsset', { assetId, ...withoutOccurredAt(dto) }, context, dto.occurredAt);
  }

  @Post(':assetId/uninstallations')
  @ApiOperation({ summary: 'Take out of service, staying at the facility' })
  uninstall(@AssetId() assetId: string, @Body() dto: OccurredAtDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('UninstallAsset', { assetId }, context, dto.occurredAt);
  }

  @Post(':assetId/missing-reports')
  @ApiOperation({ summary: 'Report lost or stolen' })
  reportMissing(@AssetId() assetId: string, @Body() dto: MissingReportDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('ReportAssetMissing', { assetId, circumstances: dto.circumstances }, context, dto.occurredAt);
  }

  @Post(':assetId/recoveries')
  @ApiOperation({ summary: 'Record a missing asset found again, at a facility' })
  recover(@AssetId() assetId: string, @Body() dto: FacilityRefDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('RecoverAsset', { assetId, facilityId: dto.facilityId }, context, dto.occurredAt);
  }

  @Post(':assetId/decommissioning')
  @ApiOperation({ summary: 'Take out of service for good' })
  decommission(@AssetId() assetId: string, @Body() dto: DecommissioningDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('DecommissionAsset', { assetId, reason: dto.reason }, context, dto.occurredAt);
  }

  @Post(':assetId/destruction')
  @ApiOperation({ summary: 'Record destruction of a decommissioned, empty asset, with its certificate' })
  destroy(@AssetId() assetId: string, @Body() dto: DestructionDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('DestroyAsset', { assetId, ...withoutOccurredAt(dto) }, context, dto.occurredAt);
  }

  @Post(':assetId/location-attestations')
  @ApiOperation({ summary: 'Attest where an asset was observed; a mismatch with the ledger is flagged' })
  attest(@AssetId() assetId: string, @Body() dto: LocationAttestationDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('AttestLocation', { assetId, ...withoutOccurredAt(dto) }, context, dto.occurredAt);
  }
}

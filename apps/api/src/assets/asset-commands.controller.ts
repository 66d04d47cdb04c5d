import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CommandContextParam } from '../http/command-context';
import type { CommandContext } from '../http/command-context';
import { CommandGateway } from '../http/command-gateway';
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
import { ApiCommand } from '../openapi/api-operations.decorator';

const AssetId = () => Param('assetId', ParseIdPipe);

/** Custody events, one endpoint each. Every rule lives in the domain; this only maps HTTP to commands. */
@ApiTags('assets')
@Controller('assets')
export class AssetCommandsController {
  constructor(private readonly commands: CommandGateway) {}

  @Post()
  @ApiCommand({ summary: 'Register a chip or unit, made at one of the manufacturer\'s facilities', problems: [422] })
  manufacture(@Body() dto: ManufactureAssetDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('ManufactureAsset', dto, context);
  }

  @Post(':assetId/packing')
  @ApiCommand({ summary: 'Put assets into this container (chips into a board, boards into a server, ...)', problems: [404, 422] })
  pack(@AssetId() parentId: string, @Body() dto: PackAssetsDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('PackAssets', { parentId, ...dto }, context);
  }

  @Post(':assetId/unpacking')
  @ApiCommand({ summary: 'Take assets out of this container', problems: [404, 422] })
  unpack(@AssetId() parentId: string, @Body() dto: PackAssetsDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('UnpackAssets', { parentId, ...dto }, context);
  }

  @Post(':assetId/shipments')
  @ApiCommand({ summary: 'Ship an outermost unit from its facility to another, handing it to a carrier', problems: [404, 422] })
  ship(@AssetId() assetId: string, @Body() dto: ShipAssetDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('ShipAsset', { assetId, ...dto }, context);
  }

  @Post(':assetId/receipts')
  @ApiCommand({ summary: 'Receive an asset in transit at a facility you operate (elsewhere than declared is flagged)', problems: [404, 422] })
  receive(@AssetId() assetId: string, @Body() dto: FacilityRefDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('ReceiveAsset', { assetId, ...dto }, context);
  }

  @Post(':assetId/customs-holds')
  @ApiCommand({ summary: 'Customs: hold an asset in transit at a border', problems: [404, 422] })
  hold(@AssetId() assetId: string, @Body() dto: CustomsHoldDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('HoldAtCustoms', { assetId, ...dto }, context);
  }

  @Post(':assetId/customs-clearances')
  @ApiCommand({ summary: 'Customs: release your hold', problems: [404, 422] })
  clear(@AssetId() assetId: string, @Body() dto: CustomsClearanceDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('ClearCustoms', { assetId, ...dto }, context);
  }

  @Post(':assetId/ownership-transfers')
  @ApiCommand({ summary: 'Owner: transfer legal ownership (possession may not change)', problems: [404, 422] })
  transfer(@AssetId() assetId: string, @Body() dto: OwnershipTransferDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('TransferOwnership', { assetId, ...dto }, context);
  }

  @Post(':assetId/installations')
  @ApiCommand({ summary: 'Put into service at the datacenter where it is', problems: [404, 422] })
  install(@AssetId() assetId: string, @Body() dto: InstallationDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('InstallAsset', { assetId, ...dto }, context);
  }

  @Post(':assetId/uninstallations')
  @ApiCommand({ summary: 'Take out of service, staying at the facility', problems: [404, 422] })
  uninstall(@AssetId() assetId: string, @Body() dto: OccurredAtDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('UninstallAsset', { assetId, ...dto }, context);
  }

  @Post(':assetId/missing-reports')
  @ApiCommand({ summary: 'Report lost or stolen', problems: [404, 422] })
  reportMissing(@AssetId() assetId: string, @Body() dto: MissingReportDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('ReportAssetMissing', { assetId, ...dto }, context);
  }

  @Post(':assetId/recoveries')
  @ApiCommand({ summary: 'Record a missing asset found again, at a facility', problems: [404, 422] })
  recover(@AssetId() assetId: string, @Body() dto: FacilityRefDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('RecoverAsset', { assetId, ...dto }, context);
  }

  @Post(':assetId/decommissioning')
  @ApiCommand({ summary: 'Take out of service for good', problems: [404, 422] })
  decommission(@AssetId() assetId: string, @Body() dto: DecommissioningDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('DecommissionAsset', { assetId, ...dto }, context);
  }

  @Post(':assetId/destruction')
  @ApiCommand({ summary: 'Record destruction of a decommissioned, empty asset, with its certificate', problems: [404, 422] })
  destroy(@AssetId() assetId: string, @Body() dto: DestructionDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('DestroyAsset', { assetId, ...dto }, context);
  }

  @Post(':assetId/location-attestations')
  @ApiCommand({ summary: 'Attest where an asset was observed; a mismatch with the ledger is flagged', problems: [404, 422] })
  attest(@AssetId() assetId: string, @Body() dto: LocationAttestationDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('AttestLocation', { assetId, ...dto }, context);
  }
}

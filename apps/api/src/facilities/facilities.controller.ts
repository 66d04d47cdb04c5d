import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@chip-ledger/domain';
import { NotPermitted, NotRegistered } from '@chip-ledger/domain';
import { LedgerQueries } from '@chip-ledger/projections';
import { CurrentActor } from '../auth/current-actor.decorator';
import { readsEverything } from '../auth/read-access';
import { CommandContextParam } from '../http/command-context';
import type { CommandContext } from '../http/command-context';
import { CommandGateway } from '../http/command-gateway';
import { CommandResponseDto } from '../http/command-response.dto';
import { ParseIdPipe } from '../http/ids';
import { ReadSide } from '../http/read-side';
import { RegisterFacilityDto } from './dto/register-facility.dto';

const FacilityId = () => Param('facilityId', ParseIdPipe);

@ApiTags('facilities')
@ApiBearerAuth()
@Controller('facilities')
export class FacilitiesController {
  constructor(
    private readonly commands: CommandGateway,
    private readonly queries: LedgerQueries,
    private readonly readSide: ReadSide,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Admin: register a facility (fab, assembly, warehouse, datacenter, port, recycler)' })
  @ApiResponse({ status: 201, type: CommandResponseDto })
  register(@Body() dto: RegisterFacilityDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('RegisterFacility', dto, context);
  }

  @Get(':facilityId')
  @ApiOperation({ summary: 'A facility: where it is and who runs it' })
  @ApiQuery({ name: 'position', required: false })
  async get(@FacilityId() facilityId: string, @Query('position') position?: string) {
    await this.readSide.catchUp(position);
    const facility = this.queries.getFacility(facilityId);
    if (!facility) throw new NotRegistered('facility', facilityId);
    return facility;
  }

  @Get(':facilityId/inventory')
  @ApiOperation({ summary: 'What is at a facility, counted by model and status (its operator, investigators, admins)' })
  @ApiQuery({ name: 'position', required: false })
  async inventory(@FacilityId() facilityId: string, @CurrentActor() actor: Actor, @Query('position') position?: string) {
    await this.readSide.catchUp(position);
    const facility = this.queries.getFacility(facilityId);
    if (!facility) throw new NotRegistered('facility', facilityId);
    if (!readsEverything(actor) && facility.operatorId !== actor.partyId) {
      throw new NotPermitted(actor.partyId, 'only the operator, investigators and admins see a facility\'s inventory');
    }
    return this.queries.facilityInventory(facilityId);
  }
}

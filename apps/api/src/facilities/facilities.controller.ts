import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@chip-ledger/domain';
import { NotPermitted, NotRegistered } from '@chip-ledger/domain';
import { LedgerQueries } from '@chip-ledger/projections';
import { CurrentActor } from '../auth/current-actor.decorator';
import { readsEverything } from '../auth/read-access';
import { CommandContextParam } from '../http/command-context';
import type { CommandContext } from '../http/command-context';
import { CommandGateway } from '../http/command-gateway';
import { ParseIdPipe } from '../http/ids';
import { ReadSide } from '../http/read-side';
import { ApiCommand, ApiRead } from '../openapi/api-operations.decorator';
import { FacilityInventoryDto } from './dto/facility-inventory.dto';
import { FacilityDto } from './dto/facility.dto';
import { RegisterFacilityDto } from './dto/register-facility.dto';

const FacilityId = () => Param('facilityId', ParseIdPipe);
const POSITION = 'A position returned by a command: wait (bounded) until the read side has it';

@ApiTags('facilities')
@Controller('facilities')
export class FacilitiesController {
  constructor(
    private readonly commands: CommandGateway,
    private readonly queries: LedgerQueries,
    private readonly readSide: ReadSide,
  ) {}

  @Post()
  @ApiCommand({ summary: 'Admin: register a facility (fab, assembly, warehouse, datacenter, port, recycler)', problems: [422] })
  register(@Body() dto: RegisterFacilityDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('RegisterFacility', dto, context);
  }

  @Get(':facilityId')
  @ApiRead({ summary: 'A facility: where it is and who runs it', response: FacilityDto, problems: [404] })
  @ApiQuery({ name: 'position', required: false, description: POSITION })
  async get(@FacilityId() facilityId: string, @Query('position') position?: string): Promise<FacilityDto> {
    await this.readSide.catchUp(position);
    const facility = this.queries.getFacility(facilityId);
    if (!facility) throw new NotRegistered('facility', facilityId);
    return facility;
  }

  @Get(':facilityId/inventory')
  @ApiRead({
    summary: 'What is at a facility, counted by model and status (its operator, investigators, admins)',
    response: FacilityInventoryDto, problems: [403, 404],
  })
  @ApiQuery({ name: 'position', required: false, description: POSITION })
  async inventory(@FacilityId() facilityId: string, @CurrentActor() actor: Actor, @Query('position') position?: string): Promise<FacilityInventoryDto> {
    await this.readSide.catchUp(position);
    const facility = this.queries.getFacility(facilityId);
    if (!facility) throw new NotRegistered('facility', facilityId);
    if (!readsEverything(actor) && facility.operatorId !== actor.partyId) {
      throw new NotPermitted(actor.partyId, 'only the operator, investigators and admins see a facility\'s inventory');
    }
    return this.queries.facilityInventory(facilityId);
  }
}

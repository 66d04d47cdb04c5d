import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { v7 as uuidv7 } from 'uuid';
import type { Actor } from '@chip-ledger/domain';
import { NotPermitted, NotRegistered } from '@chip-ledger/domain';
import { LedgerQueries } from '@chip-ledger/projections';
import { generateApiKey, hashApiKey } from '@chip-ledger/runtime';
import { CurrentActor } from '../auth/current-actor.decorator';
import { readsEverything } from '../auth/read-access';
import { CommandContextParam } from '../http/command-context';
import type { CommandContext } from '../http/command-context';
import type { CommandAnswer } from '../http/command-answer';
import { CommandGateway } from '../http/command-gateway';
import { ParseIdPipe } from '../http/ids';
import { ReadSide } from '../http/read-side';
import { ApiCommand, ApiRead } from '../openapi/api-operations.decorator';
import { IssuedApiKeyDto } from './dto/issued-api-key.dto';
import { MeDto } from './dto/me.dto';
import { PartyDto } from './dto/party.dto';
import { RegisterPartyDto } from './dto/register-party.dto';

const PartyId = () => Param('partyId', ParseIdPipe);

@ApiTags('parties')
@Controller()
export class PartiesController {
  constructor(
    private readonly commands: CommandGateway,
    private readonly queries: LedgerQueries,
    private readonly readSide: ReadSide,
  ) {}

  @Post('parties')
  @ApiCommand({ summary: 'Admin: register a party (manufacturer, carrier, operator, customs, investigator, admin)', problems: [422] })
  register(@Body() dto: RegisterPartyDto, @CommandContextParam() context: CommandContext) {
    return this.commands.run('RegisterParty', dto, context);
  }

  @Post('parties/:partyId/api-keys')
  @ApiCommand({
    summary: 'Admin: issue an API key for a party. The key is in this answer only.',
    response: IssuedApiKeyDto, problems: [404], idempotent: false,
  })
  async issueKey(@PartyId() partyId: string, @CommandContextParam() context: CommandContext): Promise<CommandAnswer<IssuedApiKeyDto>> {
    const apiKey = generateApiKey();
    const keyId = uuidv7();
    // A fresh secret each call: a replayed answer could not return the first one, whose hash alone was kept.
    const answer = await this.commands.run('IssueApiKey', { partyId, keyId, secretHash: hashApiKey(apiKey) },
      { ...context, idempotencyKey: undefined });
    return answer.withBody({ keyId, apiKey, position: answer.body.position });
  }

  @Delete('parties/:partyId/api-keys/:keyId')
  @ApiCommand({ summary: 'Admin: revoke an API key', status: 200, problems: [404, 422] })
  revokeKey(@PartyId() partyId: string, @Param('keyId', ParseIdPipe) keyId: string, @CommandContextParam() context: CommandContext) {
    return this.commands.run('RevokeApiKey', { partyId, keyId }, context);
  }

  @Get('parties/:partyId')
  @ApiRead({ summary: 'A party (investigators and admins see all; a party sees itself)', response: PartyDto, problems: [403, 404] })
  @ApiQuery({ name: 'position', required: false, description: 'A position returned by a command: wait (bounded) until the read side has it' })
  async get(@PartyId() partyId: string, @CurrentActor() actor: Actor, @Query('position') position?: string): Promise<PartyDto> {
    await this.readSide.catchUp(position);
    if (!readsEverything(actor) && actor.partyId !== partyId) throw new NotPermitted(actor.partyId, 'parties see only themselves');
    const party = this.queries.getParty(partyId);
    if (!party) throw new NotRegistered('party', partyId);
    return party;
  }

  @Get('me')
  @ApiRead({ summary: 'The party and roles of the API key in use', response: MeDto })
  me(@CurrentActor() actor: Actor): MeDto {
    return { ...this.queries.getParty(actor.partyId), partyId: actor.partyId, roles: actor.roles };
  }
}


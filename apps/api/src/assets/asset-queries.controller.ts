import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Actor } from '@chip-ledger/domain';
import { AssetNotFound } from '@chip-ledger/domain';
import { LedgerQueries } from '@chip-ledger/projections';
import { CurrentActor } from '../auth/current-actor.decorator';
import { readsEverything } from '../auth/read-access';
import { ParseIdPipe } from '../http/ids';
import { ReadSide } from '../http/read-side';
import { ApiRead } from '../openapi/api-operations.decorator';
import { AssetHistoryDto } from './dto/asset-history.dto';
import { AssetPageDto } from './dto/asset-page.dto';
import { AssetDetailDto } from './dto/asset-view.dto';
import { HistoryQuery } from './dto/history.query';
import { ListAssetsQuery } from './dto/list-assets.query';
import { PositionQuery } from './dto/position.query';

const toIso = (value: string | undefined): string | undefined => (value ? new Date(value).toISOString() : undefined);

@ApiTags('assets')
@Controller('assets')
export class AssetQueriesController {
  constructor(
    private readonly queries: LedgerQueries,
    private readonly readSide: ReadSide,
  ) {}

  @Get()
  @ApiRead({ summary: 'Assets, filtered, in pages (parties see only what they may read: see GET /assets/{assetId})', response: AssetPageDto })
  async list(@Query() query: ListAssetsQuery, @CurrentActor() actor: Actor): Promise<AssetPageDto> {
    await this.readSide.catchUp(query.position);
    const { limit = 100, cursor, position: _, ...filter } = query;
    return this.queries.listAssets(
      { ...filter, visibleTo: readsEverything(actor) ? undefined : actor.partyId },
      { after: cursor, limit },
    );
  }

  @Get(':assetId')
  @ApiRead({ summary: 'Where an asset is, who owns it, who holds it, what it is in', response: AssetDetailDto, problems: [404] })
  async get(@Param('assetId', ParseIdPipe) assetId: string, @Query() query: PositionQuery, @CurrentActor() actor: Actor): Promise<AssetDetailDto> {
    await this.readSide.catchUp(query.position);
    this.requireVisible(actor, assetId);
    const asset = this.queries.getAsset(assetId);
    if (!asset) throw new AssetNotFound(assetId);
    return asset;
  }

  @Get(':assetId/history')
  @ApiRead({
    summary: 'Its timeline (own events and its containers\' movements while packed), as of a business time and/or as known at a ledger time',
    response: AssetHistoryDto, problems: [404],
  })
  async history(@Param('assetId', ParseIdPipe) assetId: string, @Query() query: HistoryQuery, @CurrentActor() actor: Actor): Promise<AssetHistoryDto> {
    await this.readSide.catchUp(query.position);
    this.requireVisible(actor, assetId);
    if (!this.queries.getAsset(assetId)) throw new AssetNotFound(assetId);
    return this.queries.history(assetId, { asOf: toIso(query.asOf), knownAt: toIso(query.knownAt) });
  }

  /** Assets a party has no link to read as missing, so their existence is not disclosed. */
  private requireVisible(actor: Actor, assetId: string): void {
    if (!readsEverything(actor) && !this.queries.canSee(actor.partyId, assetId)) throw new AssetNotFound(assetId);
  }
}

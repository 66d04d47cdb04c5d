import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ACCELERATOR_MODELS } from '@chip-ledger/domain';
import type { AcceleratorModel } from '@chip-ledger/domain';
import { Public } from '../auth/public.decorator';
import { ApiPublicRead } from '../openapi/api-operations.decorator';
import { AcceleratorModelDto } from './dto/accelerator-model.dto';

@ApiTags('assets')
@Controller('catalogue')
export class CatalogueController {
  @Public()
  @Get('accelerators')
  @ApiPublicRead({
    summary: 'Accelerator models the ledger accounts for: dense throughput per precision, memory, TPP, PD and ECCN 3A090 classification, each figure cited', response: AcceleratorModelDto, isArray: true,
  })
  accelerators(): readonly AcceleratorModel[] {
    return ACCELERATOR_MODELS;
  }
}

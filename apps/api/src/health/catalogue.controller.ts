import { Controller, Get, Header } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ACCELERATOR_MODELS } from '@chip-ledger/domain';
import { Public } from '../auth/public.decorator';
import { ApiPublicRead } from '../openapi/api-operations.decorator';
import { AcceleratorModelDto } from './dto/accelerator-model.dto';

/**
 * The catalogue is fixed for the life of the process, and its JSON (about 30 KB, every figure cited) took longer to
 * write out than everything else a request does: it is written once.
 */
const CATALOGUE_JSON = JSON.stringify(ACCELERATOR_MODELS);

@ApiTags('assets')
@Controller('catalogue')
export class CatalogueController {
  @Public()
  @Get('accelerators')
  @ApiPublicRead({
    summary: 'Accelerator models the ledger accounts for: dense throughput per precision, memory, TPP, PD and ECCN 3A090 classification, each figure cited', response: AcceleratorModelDto, isArray: true,
  })
  @Header('Content-Type', 'application/json; charset=utf-8')
  accelerators(): string {
    return CATALOGUE_JSON;
  }
}

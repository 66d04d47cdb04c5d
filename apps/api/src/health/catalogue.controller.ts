import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ACCELERATOR_MODELS } from '@chip-ledger/domain';
import { Public } from '../auth/public.decorator';

@ApiTags('reference data')
@Controller('catalogue')
export class CatalogueController {
  @Public()
  @Get('accelerators')
  @ApiOperation({ summary: 'Accelerator models the ledger accounts for (dense BF16 TFLOPS, TPP, die area)' })
  accelerators() {
    return ACCELERATOR_MODELS;
  }
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ECCN_3A090_CLASSIFICATIONS } from '@chip-ledger/domain';
import type { AcceleratorModel, Citation, DenseThroughput, Eccn3a090Classification } from '@chip-ledger/domain';

const UNPUBLISHED = 'absent when the vendor publishes no figure';

export class DenseThroughputDto implements DenseThroughput {
  @ApiPropertyOptional({ description: `Dense FP64 TFLOPS (tensor/matrix where offered); ${UNPUBLISHED}` }) FP64?: number;
  @ApiPropertyOptional({ description: `Dense FP32 TFLOPS; ${UNPUBLISHED}` }) FP32?: number;
  @ApiPropertyOptional({ description: `Dense TF32 TFLOPS; ${UNPUBLISHED}` }) TF32?: number;
  @ApiPropertyOptional({ description: `Dense BF16 TFLOPS; ${UNPUBLISHED}` }) BF16?: number;
  @ApiPropertyOptional({ description: `Dense FP16 TFLOPS; ${UNPUBLISHED}` }) FP16?: number;
  @ApiPropertyOptional({ description: `Dense FP8 TFLOPS; ${UNPUBLISHED}` }) FP8?: number;
  @ApiPropertyOptional({ description: `Dense INT8 TOPS; ${UNPUBLISHED}` }) INT8?: number;
  @ApiPropertyOptional({ description: `Dense FP4 TFLOPS; ${UNPUBLISHED}` }) FP4?: number;
}

export class CitationDto implements Citation {
  @ApiProperty({ description: 'The figure this cites, a field of the model', example: 'denseThroughput.FP8' }) figure!: string;
  @ApiProperty({ description: 'The cited value, in the unit of that field' }) value!: number;
  @ApiProperty({ description: 'Title of the source document', example: 'NVIDIA H100 Tensor Core GPU datasheet' }) title!: string;
  @ApiProperty({ description: 'Where the source was published (text, not fetched by the ledger)' }) url!: string;
  @ApiProperty({ description: 'Publication date of the source (year, year-month or full date)', example: '2023-09' }) date!: string;
  @ApiProperty({ description: 'False for press or analyst reports, true for vendor documents' }) official!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'How the figure was read, e.g. a sparse figure halved' }) note!: string | null;
}

export class AcceleratorModelDto implements AcceleratorModel {
  @ApiProperty({ description: 'The model id assets name', example: 'nvidia-h100-sxm' }) id!: string;
  @ApiProperty({ example: 'NVIDIA' }) vendor!: string;
  @ApiProperty({ example: 'H100 SXM' }) name!: string;
  @ApiProperty({ type: DenseThroughputDto, description: 'Dense (non-sparse) throughput per precision, per accelerator' })
  denseThroughput!: DenseThroughput;
  @ApiProperty({ type: Number, nullable: true, description: 'Dense BF16 TFLOPS; null where no BF16 figure is published' })
  denseBf16Tflops!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Die area in mm²; null where not published' }) dieAreaMm2!: number | null;
  @ApiProperty({ description: 'Memory in GB' }) memoryGb!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Memory bandwidth in GB/s; null where no reliable figure is published' })
  memoryBandwidthGbPerS!: number | null;
  @ApiProperty({ description: 'Total Processing Performance (ECCN 3A090): dense TOPS × bit length, the maximum over precisions' })
  tpp!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Performance density, TPP / die area; null when the die area is unknown' })
  performanceDensity!: number | null;
  @ApiProperty({
    enum: ECCN_3A090_CLASSIFICATIONS,
    description: 'Derived from TPP and PD; undetermined when the die area is unknown and TPP alone does not decide',
  })
  eccn3a090!: Eccn3a090Classification;
  @ApiProperty({ description: 'False when any figure comes from an unofficial source' }) officialFigures!: boolean;
  @ApiProperty({ type: CitationDto, isArray: true, description: 'A source for every figure' }) citations!: readonly Citation[];
}

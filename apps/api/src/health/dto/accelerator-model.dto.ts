import { ApiProperty } from '@nestjs/swagger';
import type { AcceleratorModel } from '@chip-ledger/domain';

export class AcceleratorModelDto implements AcceleratorModel {
  @ApiProperty({ description: 'The model id assets name', example: 'nvidia-h100-sxm' }) id!: string;
  @ApiProperty({ example: 'NVIDIA' }) vendor!: string;
  @ApiProperty({ example: 'H100 SXM' }) name!: string;
  @ApiProperty({ description: 'Dense BF16 TFLOPS' }) denseBf16Tflops!: number;
  @ApiProperty({ description: 'Total Processing Performance (export-control metric)' }) tpp!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Die area in mm²; null where not published' }) dieAreaMm2!: number | null;
  @ApiProperty() memoryGb!: number;
}

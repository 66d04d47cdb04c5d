/**
 * Reference data for compute accounting. Dense (non-sparse) figures only: sparse figures double TPP and would
 * misclassify chips under ECCN 3A090. TPP = 2 × dense MacTOPS × bit length (88 FR 73458); PD = TPP / die area.
 */
export type AcceleratorModel = {
  readonly id: string;
  readonly vendor: string;
  readonly name: string;
  readonly denseBf16Tflops: number;
  readonly tpp: number;
  readonly dieAreaMm2: number | null;
  readonly memoryGb: number;
};

export const ACCELERATOR_MODELS: readonly AcceleratorModel[] = [
  { id: 'nvidia-a100-sxm', vendor: 'NVIDIA', name: 'A100 SXM', denseBf16Tflops: 312, tpp: 4992, dieAreaMm2: 826, memoryGb: 80 },
  { id: 'nvidia-h100-sxm', vendor: 'NVIDIA', name: 'H100 SXM', denseBf16Tflops: 989, tpp: 15832, dieAreaMm2: 814, memoryGb: 80 },
  { id: 'nvidia-h200', vendor: 'NVIDIA', name: 'H200', denseBf16Tflops: 989, tpp: 15832, dieAreaMm2: 814, memoryGb: 141 },
  { id: 'nvidia-b200', vendor: 'NVIDIA', name: 'B200 (HGX)', denseBf16Tflops: 2250, tpp: 36000, dieAreaMm2: null, memoryGb: 192 },
  { id: 'nvidia-h20', vendor: 'NVIDIA', name: 'H20', denseBf16Tflops: 148, tpp: 2368, dieAreaMm2: 814, memoryGb: 96 },
  { id: 'amd-mi300x', vendor: 'AMD', name: 'Instinct MI300X', denseBf16Tflops: 1307.4, tpp: 20919, dieAreaMm2: null, memoryGb: 192 },
  { id: 'google-tpu-v5p', vendor: 'Google', name: 'TPU v5p', denseBf16Tflops: 459, tpp: 7344, dieAreaMm2: null, memoryGb: 95 },
];

const byId = new Map(ACCELERATOR_MODELS.map((model) => [model.id, model]));

export const findAcceleratorModel = (id: string): AcceleratorModel | undefined => byId.get(id);

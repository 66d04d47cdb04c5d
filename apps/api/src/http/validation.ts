import type { ValidationError } from '@nestjs/common';
import { BadRequestException, ValidationPipe } from '@nestjs/common';

export type FieldError = { readonly field: string; readonly messages: readonly string[] };

const flatten = (errors: readonly ValidationError[], prefix = ''): FieldError[] =>
  errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });

/** Raised for any request whose shape is wrong; the problem filter answers it as 400 with the field errors. */
export class RequestValidationFailed extends BadRequestException {
  constructor(readonly errors: readonly FieldError[]) {
    super('The request is not valid');
  }
}

export const ledgerValidationPipe = (): ValidationPipe =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new RequestValidationFailed(flatten(errors)),
  });

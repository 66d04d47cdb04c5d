import type { ValidationError } from '@nestjs/common';
import type { ValidatorOptions } from 'class-validator';
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

/**
 * Most queries come without parameters, so their DTO instance has no properties at all: whether such an instance is
 * valid depends only on its class (the rules are static), so the answer is kept per class and class-validator is not
 * run again for it. Anything with a property, and any class whose empty instance is invalid, is validated every time.
 */
class LedgerValidationPipe extends ValidationPipe {
  private readonly emptyIsValid = new Map<unknown, boolean>();

  protected override async validate(object: object, validatorOptions?: ValidatorOptions): Promise<ValidationError[]> {
    const empty = Object.keys(object).length === 0;
    if (empty && this.emptyIsValid.get(object.constructor) === true) return [];
    const errors = await super.validate(object, validatorOptions);
    if (empty) this.emptyIsValid.set(object.constructor, errors.length === 0);
    return errors;
  }
}

export const ledgerValidationPipe = (): ValidationPipe =>
  new LedgerValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new RequestValidationFailed(flatten(errors)),
  });

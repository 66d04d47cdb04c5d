import type { ArgumentMetadata, ValidationError } from '@nestjs/common';
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

/** Keys that reach an object's prototype: Nest would drop them silently; the API refuses them like any unknown field. */
const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Where the value holds a reserved key, walked without recursion (a body is at most MAX_BODY_DEPTH deep anyway). */
const reservedKeyPaths = (value: unknown): string[] => {
  const found: string[] = [];
  const pending: Array<[unknown, string]> = [[value, '']];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [node, path] = next;
    if (typeof node !== 'object' || node === null) continue;
    for (const [key, child] of Object.entries(node)) {
      const field = path ? `${path}.${key}` : key;
      if (RESERVED_KEYS.has(key)) found.push(field);
      else pending.push([child, field]);
    }
  }
  return found;
};

/**
 * Most queries come without parameters, so their DTO instance has no properties at all: whether such an instance is
 * valid depends only on its class (the rules are static), so the answer is kept per class and class-validator is not
 * run again for it. Anything with a property, and any class whose empty instance is invalid, is validated every time.
 */
class LedgerValidationPipe extends ValidationPipe {
  private readonly emptyIsValid = new Map<unknown, boolean>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const reserved = reservedKeyPaths(value);
      if (reserved.length > 0) {
        throw new RequestValidationFailed(reserved.map((field) => ({ field, messages: [`${field} is not a field of this request`] })));
      }
    }
    return super.transform(value, metadata);
  }

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

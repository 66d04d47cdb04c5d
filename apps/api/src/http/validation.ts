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

const isEmptyObject = (value: unknown): value is object =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;

type DtoClass = new () => object;

/**
 * Most queries come without parameters, so their DTO instance has no properties at all: whether such an instance is
 * valid depends only on its class (the rules are static), so the answer is kept per class and class-validator is not
 * run again for it. Anything with a property, and any class whose empty instance is invalid, is validated every time.
 *
 * For such a class, once a full transformation of an empty value has been seen to give a valid instance with no
 * properties (no @Expose or @Transform adds one), an empty value is answered with a new instance straight away:
 * class-transformer and the pipe's other checks would only build that same instance again, on every query.
 */
class LedgerValidationPipe extends ValidationPipe {
  private readonly emptyIsValid = new Map<unknown, boolean>();
  private readonly emptyGivesBareInstance = new Set<unknown>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const empty = isEmptyObject(value);
      if (empty && this.emptyGivesBareInstance.has(metadata.metatype)) return new (metadata.metatype as DtoClass)();
      const reserved = empty ? [] : reservedKeyPaths(value);
      if (reserved.length > 0) {
        throw new RequestValidationFailed(reserved.map((field) => ({ field, messages: [`${field} is not a field of this request`] })));
      }
      const transformed = await super.transform(value, metadata);
      if (empty && this.emptyIsValid.get(metadata.metatype) === true && isBareInstance(transformed, metadata.metatype)) {
        this.emptyGivesBareInstance.add(metadata.metatype);
      }
      return transformed;
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

/** An instance of the class exactly as its constructor makes it: the same own properties with the same values. */
const isBareInstance = (value: unknown, metatype: unknown): boolean => {
  if (typeof metatype !== 'function' || typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== metatype.prototype) return false;
  const fresh = new (metatype as DtoClass)() as Record<string, unknown>;
  const own = Object.keys(value);
  return own.length === Object.keys(fresh).length && own.every((key) => Object.is((value as Record<string, unknown>)[key], fresh[key]));
};

export const ledgerValidationPipe = (): ValidationPipe =>
  new LedgerValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new RequestValidationFailed(flatten(errors)),
  });

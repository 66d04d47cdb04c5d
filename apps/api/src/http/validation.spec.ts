import 'reflect-metadata';
import type { ArgumentMetadata } from '@nestjs/common';
import { Expose } from 'class-transformer';
import { IsOptional, IsString, Matches } from 'class-validator';
import { RequestValidationFailed, ledgerValidationPipe } from './validation';

class OptionalQuery {
  @IsOptional()
  @Matches(/^\d+$/)
  position?: string;
}

class RequiredQuery {
  @IsString()
  name!: string;
}

class DefaultedQuery {
  @IsOptional()
  @Matches(/^\d+$/)
  limit: string = '100';
}

class ExposedQuery {
  @Expose()
  @IsOptional()
  @IsString()
  sort?: string;
}

const query = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'query', metatype, data: undefined });

/** Several requests through one pipe, as the application's single global pipe sees them. */
const transformMany = async (metatype: ArgumentMetadata['metatype'], values: unknown[]) => {
  const pipe = ledgerValidationPipe();
  const results: unknown[] = [];
  for (const value of values) results.push(await pipe.transform(value, query(metatype)));
  return results;
};

describe('ledgerValidationPipe: empty queries after the first are answered without class-transformer, the same as with it', () => {
  it('gives a fresh, empty instance of the class for every empty query', async () => {
    const results = await transformMany(OptionalQuery, [{}, {}, {}]);
    for (const result of results) {
      expect(result).toBeInstanceOf(OptionalQuery);
      expect(Object.keys(result as object)).toEqual([]);
    }
    expect(new Set(results).size).toBe(3);
  });

  it('still validates a query with a parameter after empty ones: a bad value is refused, a good one kept', async () => {
    const pipe = ledgerValidationPipe();
    await pipe.transform({}, query(OptionalQuery));
    await pipe.transform({}, query(OptionalQuery));
    await expect(pipe.transform({ position: 'x' }, query(OptionalQuery))).rejects.toBeInstanceOf(RequestValidationFailed);
    await expect(pipe.transform({ position: '12', extra: '1' }, query(OptionalQuery))).rejects.toBeInstanceOf(RequestValidationFailed);
    expect(await pipe.transform({ position: '12' }, query(OptionalQuery))).toEqual(Object.assign(new OptionalQuery(), { position: '12' }));
  });

  it('refuses an empty query every time when the class requires a field', async () => {
    const pipe = ledgerValidationPipe();
    for (let i = 0; i < 3; i++) await expect(pipe.transform({}, query(RequiredQuery))).rejects.toBeInstanceOf(RequestValidationFailed);
  });

  it('keeps the defaults of the class in every answer, each its own object', async () => {
    const results = await transformMany(DefaultedQuery, [{}, {}, {}]);
    for (const result of results) expect(result).toEqual(Object.assign(new DefaultedQuery(), { limit: '100' }));
    (results[1] as DefaultedQuery).limit = '5';
    expect((results[2] as DefaultedQuery).limit).toBe('100');
  });

  it('answers an empty query as class-transformer does for a class whose exposed fields it sets', async () => {
    const [first, second] = await transformMany(ExposedQuery, [{}, {}]);
    expect(Object.keys(first as object)).toEqual(['sort']);
    expect(second).toBeInstanceOf(ExposedQuery);
    expect(Object.keys(second as object)).toEqual(Object.keys(first as object));
  });
});

import type { PipeTransform } from '@nestjs/common';
import { ValidationFailedError, validatePlain } from '@crm/contracts';
import type { ClassConstructor } from 'class-transformer';
import { isUUID } from 'class-validator';

/** Validates plain input (body or query) against a contract class; 400 VALIDATION_ERROR with every problem. */
export function validateInput<T extends object>(cls: ClassConstructor<T>, plain: unknown): T {
  // Fastify's query object has no prototype; validation wants an ordinary object.
  const input = plain !== null && typeof plain === 'object' && !Array.isArray(plain) ? { ...plain } : plain;
  const result = validatePlain(cls, input);
  if (!result.ok) throw new ValidationFailedError(result.issues);
  return result.value;
}

/** A malformed id in a path is a 400, not a 404 (api.md §1.1). Use as `@Param('id', new UuidParamPipe())`. */
export class UuidParamPipe implements PipeTransform<string, string> {
  constructor(private readonly name = 'id') {}

  transform(value: string): string {
    if (!isUUID(value)) {
      throw new ValidationFailedError([
        { path: this.name, message: `${this.name} must be a UUID`, code: 'isUuid' },
      ]);
    }
    return value.toLowerCase();
  }
}

import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { ValidationFailedError, validatePlain } from '@crm/contracts';

const UNVALIDATED = new Set<unknown>([Object, String, Number, Boolean, Array, undefined]);

/** Validates a request payload against its parameter's contract class: `@Payload(ContractValidationPipe)`. */
@Injectable()
export class ContractValidationPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const cls = metadata.metatype;
    if (UNVALIDATED.has(cls)) return value;
    const result = validatePlain(cls as new () => object, value ?? {});
    if (!result.ok) throw new ValidationFailedError(result.issues);
    return result.value;
  }
}

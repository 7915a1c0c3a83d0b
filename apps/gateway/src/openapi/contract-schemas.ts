import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';

/** JSON Schema as class-validator-jsonschema and the OpenAPI document speak it (3.1 = JSON Schema 2020-12). */
export type JsonSchema = Record<string, unknown>;

export const SCHEMA_PREFIX = '#/components/schemas/';

/** class-transformer's storage (not exported from its index), for `@Type(() => Nested)` references. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const transformerStorage = (require('class-transformer/cjs/storage') as { defaultMetadataStorage: unknown })
  .defaultMetadataStorage;

const RFC3339 = { type: 'string', format: 'date-time' };

/** The contracts' own validators (packages/contracts/src/validators.ts), by their registered names. */
const CUSTOM_VALIDATORS: Record<string, JsonSchema> = {
  isRfc3339: RFC3339,
  isRfc3339OrDate: { type: 'string', anyOf: [RFC3339, { format: 'date' }] },
  isNotFutureBeyond: {},
  isNotBeforeStartDate: {},
  maxJsonBytes: { type: 'object' },
  hasAnyOf: { type: 'object' },
};

/** The reference to the schema generated for a contract class. */
export function schemaRef(cls: { name: string }): { $ref: string } {
  return { $ref: SCHEMA_PREFIX + cls.name };
}

/**
 * JSON Schemas of every class-validator class loaded (the contracts), keyed by class name: the same decorators
 * that validate the input describe it. Custom validators that class-validator-jsonschema cannot read get their
 * schema from CUSTOM_VALIDATORS; an unknown one is left open rather than pointing at a schema that does not exist.
 */
export function contractSchemas(): Record<string, JsonSchema> {
  const schemas = validationMetadatasToSchemas({
    classValidatorMetadataStorage: getMetadataStorage(),
    classTransformerMetadataStorage: transformerStorage as never,
    refPointerPrefix: SCHEMA_PREFIX,
    additionalConverters: {
      ...CUSTOM_VALIDATORS,
      [ValidationTypes.CUSTOM_VALIDATION]: (meta: { type: string }) => CUSTOM_VALIDATORS[meta.type] ?? {},
    },
  });
  return schemas as Record<string, JsonSchema>;
}

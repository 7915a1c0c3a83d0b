import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import { schemaRef } from './contract-schemas';

export const CONTRACT_QUERY = 'gateway:openapi-query';

export interface ContractQueryOptions {
  /** Fields the handler fills from the path (e.g. `id`), which are not query parameters. */
  omit?: readonly string[];
}

export interface ContractQueryMetadata {
  cls: new () => object;
  omit: readonly string[];
}

/**
 * Documents the request body as the contract class the handler validates it with (`validateInput(cls, body)`),
 * so the document shows exactly the checks that run. `required: false` where an absent body means defaults.
 */
export const ContractBody = (cls: new () => object, options: { required?: boolean } = {}) =>
  ApiBody({ schema: schemaRef(cls), required: options.required ?? true });

/** Documents each field of the contract class the handler validates its query with as a query parameter. */
export const ContractQuery = (cls: new () => object, options: ContractQueryOptions = {}) =>
  applyDecorators(
    SetMetadata(CONTRACT_QUERY, { cls, omit: options.omit ?? [] } satisfies ContractQueryMetadata),
  );

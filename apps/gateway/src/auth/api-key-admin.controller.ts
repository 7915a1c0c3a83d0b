import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { type ApiKeyView, CreateApiKeyRequest, RotateApiKeyRequest } from '@crm/contracts';
import { API_PREFIX } from '../http/api-prefix';
import { UuidParamPipe } from '../http/validation';
import { ApiKeyAdminService, type CredentialWithPlaintext } from './api-key-admin.service';
import { AdminAccess, CurrentPrincipal } from './auth.decorators';
import type { Principal, UserPrincipal } from './principal';
import { NoIdempotencyReplay } from '../idempotency/idempotency.decorators';
import { ContractBody } from '../openapi/contract-schema.decorators';

/** api.md §3.1: API keys and ingest signing secrets; admins only, API keys never manage keys. */
@Controller(`${API_PREFIX}/api-keys`)
@AdminAccess()
export class ApiKeyAdminController {
  constructor(private readonly keys: ApiKeyAdminService) {}

  @Get()
  list(): Promise<{ data: ApiKeyView[] }> {
    return this.keys.list();
  }

  @Post()
  @NoIdempotencyReplay()
  @HttpCode(201)
  @ContractBody(CreateApiKeyRequest)
  create(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<CredentialWithPlaintext> {
    return this.keys.create(principal as UserPrincipal, body);
  }

  @Post(':id/rotate')
  @NoIdempotencyReplay()
  @HttpCode(201)
  @ContractBody(RotateApiKeyRequest, { required: false })
  rotate(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
    @Body() body: unknown,
  ): Promise<CredentialWithPlaintext> {
    return this.keys.rotate(principal as UserPrincipal, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  async revoke(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
  ): Promise<void> {
    await this.keys.revoke(principal as UserPrincipal, id);
  }
}

import { Body, Controller, Delete, HttpCode, Param, Patch } from '@nestjs/common';
import { UpdateStageBody } from '@crm/contracts';
import { ConfigAccess, CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { API_PREFIX } from '../http/api-prefix';
import { UuidParamPipe } from '../http/validation';
import { StagesService, type ConfiguredStageView } from './stages.service';
import { ContractBody } from '../openapi/contract-schema.decorators';

/** api.md §7 `PATCH|DELETE /stages/:id` (`config`); the stage's triggers live under /stages/:id/triggers (§9). */
@Controller(`${API_PREFIX}/stages`)
@ConfigAccess()
export class StagesController {
  constructor(private readonly stages: StagesService) {}

  @Patch(':id')
  @ContractBody(UpdateStageBody)
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
    @Body() body: unknown,
  ): Promise<ConfiguredStageView> {
    return this.stages.update(principal, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  delete(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
  ): Promise<void> {
    return this.stages.delete(principal, id);
  }
}

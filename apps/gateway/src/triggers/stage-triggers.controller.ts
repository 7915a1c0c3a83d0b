import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { type StageTriggersView, ReplaceStageTriggersBody } from '@crm/contracts';
import { ConfigAccess, CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { API_PREFIX } from '../http/api-prefix';
import { UuidParamPipe } from '../http/validation';
import { StageTriggersService, type ReplacedStageTriggers } from './stage-triggers.service';
import { ContractBody } from '../openapi/contract-schema.decorators';

@Controller(`${API_PREFIX}/stages`)
export class StageTriggersController {
  constructor(private readonly stageTriggers: StageTriggersService) {}

  @Get(':id/triggers')
  get(@Param('id', new UuidParamPipe()) id: string): Promise<StageTriggersView> {
    return this.stageTriggers.get(id);
  }

  @Post(':id/triggers')
  @ConfigAccess()
  @HttpCode(200)
  @ContractBody(ReplaceStageTriggersBody)
  replace(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
    @Body() body: unknown,
  ): Promise<ReplacedStageTriggers> {
    return this.stageTriggers.replace(principal, id, body);
  }
}

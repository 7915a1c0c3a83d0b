import { Controller, Delete, Get, Param, Res } from '@nestjs/common';
import type { ErasureView } from '@crm/contracts';
import { AdminAccess, ConfigAccess, CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { API_PREFIX } from '../http/api-prefix';
import { UuidParamPipe } from '../http/validation';
import { deletedRecordsOf, GdprService } from './gdpr.service';
import { ApiResponse } from '@nestjs/swagger';

interface StatusReply {
  status(code: number): StatusReply;
}

/** api.md §17 erasure. */
@Controller(`${API_PREFIX}/gdpr`)
export class GdprController {
  constructor(private readonly gdpr: GdprService) {}

  /** 200 once every service confirmed within the wait; else 202 with the erasure to follow. */
  @Delete('delete/:leadId')
  @AdminAccess()
  @ApiResponse({ status: 200, description: 'Erased in every service' })
  @ApiResponse({ status: 202, description: 'Erasure in progress' })
  async erase(
    @CurrentPrincipal() principal: Principal,
    @Param('leadId', new UuidParamPipe()) leadId: string,
    @Res({ passthrough: true }) reply: StatusReply,
  ): Promise<unknown> {
    const { completed, erasure } = await this.gdpr.erase(principal, leadId);
    if (!completed) {
      reply.status(202);
      return { success: true, status: 'in_progress', erasure_id: erasure.erasure_id, lead_id: leadId };
    }
    reply.status(200);
    return {
      success: true,
      message: 'Lead data erased in every service',
      lead_id: leadId,
      anonymized_email: erasure.anonymized_email,
      deleted_records: deletedRecordsOf(erasure),
      deleted_at: erasure.completed_at,
    };
  }

  @Get('export/:leadId')
  @ConfigAccess()
  export(@Param('leadId', new UuidParamPipe()) leadId: string): Promise<Record<string, unknown>> {
    return this.gdpr.export(leadId);
  }

  @Get('erasures/:id')
  @AdminAccess()
  erasure(@Param('id', new UuidParamPipe()) id: string): Promise<ErasureView> {
    return this.gdpr.erasure(id);
  }
}

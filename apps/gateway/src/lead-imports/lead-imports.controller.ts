import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, StreamableFile } from '@nestjs/common';
import type { LeadImportView } from '@crm/contracts';
import { CurrentPrincipal, RequiresScope } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { API_PREFIX } from '../http/api-prefix';
import { UuidParamPipe } from '../http/validation';
import { LeadImportsService, type BulkImportAccepted } from './lead-imports.service';
import { LeadsExportService } from './leads-export.service';

const EXPORT_CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8' };

/** Bulk import (api.md §4.4) and export (api.md §5, added) of leads. */
@Controller(`${API_PREFIX}/leads`)
export class LeadImportsController {
  constructor(
    private readonly imports: LeadImportsService,
    private readonly exports: LeadsExportService,
  ) {}

  @Post('bulk')
  @HttpCode(202)
  @RequiresScope('events:write')
  importLeads(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<BulkImportAccepted> {
    return this.imports.importLeads(principal, body, idempotencyKey);
  }

  @Get('bulk/:batch_id')
  status(@Param('batch_id', new UuidParamPipe('batch_id')) batchId: string): Promise<LeadImportView> {
    return this.imports.status(batchId);
  }

  /** Static, so it wins over `GET /leads/:id`. */
  @Get('export')
  async export(@Query() query: unknown): Promise<StreamableFile> {
    const { format, stream } = await this.exports.export(query);
    return new StreamableFile(stream, {
      type: EXPORT_CONTENT_TYPES[format],
      disposition: `attachment; filename="leads.${format}"`,
    });
  }
}

import { Controller, Get, Param, Query } from '@nestjs/common';
import type { LeadView, Page } from '@crm/contracts';
import { API_PREFIX } from '../http/api-prefix';
import { UuidParamPipe } from '../http/validation';
import { LeadsService } from './leads.service';

@Controller(`${API_PREFIX}/leads`)
export class LeadsController {
  constructor(private readonly leads: LeadsService) {}

  @Get()
  list(@Query() query: unknown): Promise<Page<LeadView>> {
    return this.leads.list(query);
  }

  @Get(':id')
  get(@Param('id', new UuidParamPipe()) id: string): Promise<LeadView> {
    return this.leads.get(id);
  }
}

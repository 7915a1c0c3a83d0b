import { Controller, Get, Query } from '@nestjs/common';
import { type EventView, ListEventsQuery } from '@crm/contracts';
import { API_PREFIX } from '../http/api-prefix';
import { LeadsService } from './leads.service';
import { ContractQuery } from '../openapi/contract-schema.decorators';

/** `GET /events` (api.md §4.3): the activity feed, newest first. Ingest (POST) lives in the events module. */
@Controller(`${API_PREFIX}/events`)
export class EventFeedController {
  constructor(private readonly leads: LeadsService) {}

  @Get()
  @ContractQuery(ListEventsQuery)
  list(@Query() query: unknown): Promise<{ data: EventView[]; total: number }> {
    return this.leads.feed(query);
  }
}

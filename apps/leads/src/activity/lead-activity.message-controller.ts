import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  BadRequestError,
  ByIdQuery,
  ListEventsQuery,
  Queries,
  type EventView,
  type TimelineItemView,
} from '@crm/contracts';
import { ContractValidationPipe, OnRequest } from '@crm/messaging';
import { LeadActivityService } from './lead-activity.service';

/** The event feed and lead timelines for the gateway. */
@Controller()
export class LeadActivityMessageController {
  constructor(private readonly activity: LeadActivityService) {}

  @OnRequest(Queries.LeadsListEvents)
  events(
    @Payload(ContractValidationPipe) query: ListEventsQuery,
  ): Promise<{ data: EventView[]; total: number }> {
    return this.activity.listEvents(query);
  }

  /** `GET /leads/:id/events`: `lead_id` is required, and an unknown lead is 404. */
  @OnRequest(Queries.LeadsLeadEvents)
  eventsOfLead(
    @Payload(ContractValidationPipe) query: ListEventsQuery,
  ): Promise<{ data: EventView[]; total: number }> {
    if (!query.lead_id) throw new BadRequestError('lead_id is required');
    return this.activity.eventsOfLead({ ...query, lead_id: query.lead_id });
  }

  @OnRequest(Queries.LeadsLeadTimeline)
  timeline(
    @Payload(ContractValidationPipe) query: ByIdQuery,
  ): Promise<{ data: TimelineItemView[]; meta: { lead_id: string; count: number } }> {
    return this.activity.timeline(query.id);
  }
}

import { Injectable } from '@nestjs/common';
import {
  DomainError,
  Subjects,
  type ActorRef,
  type BookingRecordedV1,
  type CituroBookingEventV1,
} from '@crm/contracts';
import { Outbox } from '@crm/messaging';
import { AppLogger } from '@crm/service-kit';
import type { Logger } from 'pino';
import { DealsService } from '../deals/deals.service';
import { taskCreatedMessages } from '../tasks/task.events';
import { TaskRepository, type NewTask } from '../tasks/task.repository';
import { CituroBookingRepository, type OpenDealOfLead } from './cituro-booking.repository';

const CITURO_ACTOR: ActorRef = { type: 'system', id: null, name: 'cituro' };

/**
 * Acts on bookings Cituro reported (api.md §15.4): `booking.created` moves the lead's open deal into the stage
 * configured for its pipeline (history reason `booking`) and gives the deal's owner a task; `booking.canceled`
 * gives the owner a task. Runs in the consumer's transaction, so a redelivered event (inbox) changes nothing twice.
 */
@Injectable()
export class CituroBookingService {
  private readonly log: Logger;

  constructor(
    private readonly repository: CituroBookingRepository,
    private readonly deals: DealsService,
    private readonly tasks: TaskRepository,
    private readonly outbox: Outbox,
    logger: AppLogger,
  ) {
    this.log = logger.child('cituro-booking');
  }

  async bookingCreated(event: CituroBookingEventV1): Promise<void> {
    const leadId = await this.leadOf(event);
    if (!leadId) return;
    const deals = await this.repository.openDealsOf(leadId);
    // The deal in a pipeline with a configured booking stage; else the most recent open deal (task only).
    const deal = deals.find((d) => event.booking_stage_by_pipeline[d.pipeline_id]) ?? deals[0] ?? null;
    const stageId = deal ? event.booking_stage_by_pipeline[deal.pipeline_id] : undefined;
    const moved = deal && stageId ? await this.moveDeal(deal, stageId) : false;
    await this.outbox.publish(Subjects.BookingCreated, bookingRecorded(event, leadId, deal));
    await this.createTask(leadId, deal, {
      title: 'Meeting booked via Cituro',
      description: `The lead booked a meeting in Cituro${startOf(event)}. Prepare the call.`,
      priority: 'high',
    });
    this.log.info({ lead_id: leadId, deal_id: deal?.id ?? null, moved }, 'cituro booking applied');
  }

  async bookingCanceled(event: CituroBookingEventV1): Promise<void> {
    const leadId = await this.leadOf(event);
    if (!leadId) return;
    const [deal] = await this.repository.openDealsOf(leadId);
    await this.outbox.publish(Subjects.BookingCanceled, {
      ...bookingRecorded(event, leadId, deal ?? null),
      canceled_at: event.received_at,
    });
    await this.createTask(leadId, deal ?? null, {
      title: 'Cituro booking canceled',
      description: `The lead canceled the meeting booked in Cituro${startOf(event)}. Follow up.`,
      priority: 'medium',
    });
    this.log.info({ lead_id: leadId, deal_id: deal?.id ?? null }, 'cituro booking cancelation applied');
  }

  /**
   * A configured stage that no longer fits (deleted, or of another pipeline) is refused before anything is
   * written: the booking still gets its task rather than failing for good on every redelivery.
   */
  private async moveDeal(deal: OpenDealOfLead, stageId: string): Promise<boolean> {
    try {
      await this.deals.moveDealForBooking({
        deal_id: deal.id,
        body: { stage_id: stageId },
        actor: CITURO_ACTOR,
      });
      return true;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      this.log.warn(
        { deal_id: deal.id, stage_id: stageId, code: error.code },
        'configured booking stage refused',
      );
      return false;
    }
  }

  /** The lead cituro named (it invited them), else the one with the Cituro customer's email. */
  private async leadOf(event: CituroBookingEventV1): Promise<string | null> {
    if (event.lead_id && (await this.repository.leadExists(event.lead_id))) return event.lead_id;
    const leadId = event.email ? await this.repository.leadIdByEmail(event.email) : null;
    if (!leadId) this.log.info({ event_id: event.event_id }, 'cituro booking matches no lead; ignored');
    return leadId;
  }

  private async createTask(
    leadId: string,
    deal: OpenDealOfLead | null,
    content: { title: string; description: string; priority: NewTask['priority'] },
  ): Promise<void> {
    const task: NewTask = {
      leadId,
      dealId: deal?.id ?? null,
      title: content.title,
      description: content.description,
      taskType: 'meeting',
      assignedToId: deal?.assigned_to ?? null,
      dueDate: null,
      priority: content.priority,
      createdBy: 'cituro',
    };
    const ids = await this.tasks.insertMany([task]);
    await this.outbox.publishMany(taskCreatedMessages(ids, [task]));
  }
}

/** api.md §19 booking data: the appointment as Cituro sent it (`startDate`, `items[0].serviceId|duration`). */
function bookingRecorded(
  event: CituroBookingEventV1,
  leadId: string,
  deal: OpenDealOfLead | null,
): BookingRecordedV1 {
  const appointment = event.appointment ?? {};
  const [item] = Array.isArray(appointment.items) ? (appointment.items as Record<string, unknown>[]) : [];
  const text = (value: unknown) => (typeof value === 'string' && value ? value : null);
  return {
    booking_id: text(appointment.id) ?? event.booking_id,
    lead_id: leadId,
    deal_id: deal?.id ?? null,
    customer_email: event.email,
    starts_at: text(appointment.startDate),
    duration_minutes: typeof item?.duration === 'number' ? item.duration : null,
    service_id: text(item?.serviceId),
    cituro_event_id: event.event_id,
  };
}

function startOf(event: CituroBookingEventV1): string {
  const start = event.appointment?.startDate;
  return typeof start === 'string' ? ` for ${start}` : '';
}

import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  ByIdQuery,
  Queries,
  RecalculateLeadCommand,
  StartScoringJobCommand,
  type LeadRecalculationView,
  type ScoringJobView,
} from '@crm/contracts';
import { ContractValidationPipe, OnRequest } from '@crm/messaging';
import { ScoringJobsService } from './scoring-jobs.service';

/** Recalculation and expiry on demand, and job status, for the gateway (api.md §10). */
@Controller()
export class ScoringJobsMessageController {
  constructor(private readonly jobs: ScoringJobsService) {}

  @OnRequest(Queries.ScoringRecalculateLead)
  recalculateLead(
    @Payload(ContractValidationPipe) command: RecalculateLeadCommand,
  ): Promise<LeadRecalculationView> {
    return this.jobs.recalculateLead(command.lead_id);
  }

  @OnRequest(Queries.ScoringRecalculateAll)
  recalculateAll(
    @Payload(ContractValidationPipe) command: StartScoringJobCommand,
  ): Promise<{ job_id: string; leads_queued: number }> {
    return this.jobs.startRecalculation(command.actor);
  }

  @OnRequest(Queries.ScoringExpire)
  expire(@Payload(ContractValidationPipe) command: StartScoringJobCommand): Promise<{ job_id: string }> {
    return this.jobs.startExpiry(command.actor);
  }

  @OnRequest(Queries.ScoringGetJob)
  job(@Payload(ContractValidationPipe) query: ByIdQuery): Promise<ScoringJobView> {
    return this.jobs.getJob(query.id);
  }
}

/**
 * Durable subjects (JetStream). Events are past tense and owned by their producer; commands are imperative
 * and owned by their executor. Apps never write these strings themselves.
 */
export const Subjects = {
  IngestEventReceived: 'ingest.event.received.v1',
  LeadEventRecorded: 'leads.lead.event_recorded.v1',
  LeadProfileChanged: 'leads.lead.profile_changed.v1',
  DealStageChanged: 'leads.deal.stage_changed.v1',
  LeadRouted: 'leads.lead.routed.v1',
  LeadManualReview: 'leads.lead.manual_review.v1',
  EvaluateLeadRouting: 'leads.cmd.evaluate_routing.v1',
  LeadScored: 'scoring.lead.scored.v1',
  LeadIntentDetected: 'scoring.lead.intent_detected.v1',
  SlackPostMessage: 'slack.cmd.post_message.v1',
  SlackMessagePosted: 'slack.message.posted.v1',
  SlackMessageFailed: 'slack.message.failed.v1',
} as const;
export type Subject = (typeof Subjects)[keyof typeof Subjects];

/** NATS header carrying the correlation id of a request-reply call (durable messages carry it in the envelope). */
export const CORRELATION_HEADER = 'x-correlation-id';

/** Core-NATS request-reply subjects: queries and synchronous commands from the gateway. */
export const Queries = {
  LeadsListLeads: 'leads.qry.lead.list',
  LeadsGetLead: 'leads.qry.lead.get',
  LeadsLeadStats: 'leads.qry.lead.stats',
  LeadsListEvents: 'leads.qry.event.list',
  LeadsLeadEvents: 'leads.qry.lead.events',
  LeadsLeadTimeline: 'leads.qry.lead.timeline',
  LeadsListOrganizations: 'leads.qry.organization.list',
  LeadsGetOrganization: 'leads.qry.organization.get',
  LeadsCreateOrganization: 'leads.rpc.organization.create',
  LeadsUpdateOrganization: 'leads.rpc.organization.update',
  LeadsDeleteOrganization: 'leads.rpc.organization.delete',
  LeadsListPipelines: 'leads.qry.pipeline.list',
  LeadsListStages: 'leads.qry.pipeline.stages',
  LeadsGetStage: 'leads.qry.stage.get',
  LeadsListDeals: 'leads.qry.deal.list',
  LeadsGetDeal: 'leads.qry.deal.get',
  LeadsDealHistory: 'leads.qry.deal.history',
  LeadsCreateDeal: 'leads.rpc.deal.create',
  LeadsMoveDeal: 'leads.rpc.deal.move',
  LeadsCloseDeal: 'leads.rpc.deal.close',
  LeadsReopenDeal: 'leads.rpc.deal.reopen',
  LeadsUpdateDeal: 'leads.rpc.deal.update',
  LeadsDealStats: 'leads.qry.deal.stats',
  LeadsReorderDeals: 'leads.rpc.deal.reorder',
  LeadsChangeDealLead: 'leads.rpc.deal.change_lead',
  LeadsDeleteDeal: 'leads.rpc.deal.delete',
  LeadsListTasks: 'leads.qry.task.list',
  LeadsGetTask: 'leads.qry.task.get',
  LeadsTasksOfLead: 'leads.qry.task.of_lead',
  LeadsTasksOfDeal: 'leads.qry.task.of_deal',
  LeadsTaskCalendar: 'leads.qry.task.calendar',
  LeadsTasksGrouped: 'leads.qry.task.grouped',
  LeadsTaskStatistics: 'leads.qry.task.statistics',
  LeadsTasksDueSoon: 'leads.qry.task.due_soon',
  LeadsTasksOverdue: 'leads.qry.task.overdue',
  LeadsCreateTask: 'leads.rpc.task.create',
  LeadsUpdateTask: 'leads.rpc.task.update',
  LeadsTransitionTask: 'leads.rpc.task.transition',
  LeadsDeleteTask: 'leads.rpc.task.delete',
  LeadsGetRoutingConfig: 'leads.qry.routing.config',
  LeadsUpdateRoutingConfig: 'leads.rpc.routing.config.update',
  LeadsRoutingStats: 'leads.qry.routing.stats',
  LeadsEvaluateRouting: 'leads.rpc.routing.evaluate',
  LeadsRouteManually: 'leads.rpc.routing.manual',
  LeadsBatchEvaluateRouting: 'leads.rpc.routing.batch_evaluate',
  LeadsListUnrouted: 'leads.qry.routing.unrouted',
  LeadsListManualReview: 'leads.qry.routing.manual_review',
  ScoringListRules: 'scoring.qry.rule.list',
  ScoringGetRule: 'scoring.qry.rule.get',
  ScoringCreateRule: 'scoring.rpc.rule.create',
  ScoringUpdateRule: 'scoring.rpc.rule.update',
  ScoringArchiveRule: 'scoring.rpc.rule.archive',
  ScoringPreviewRule: 'scoring.qry.rule.preview',
  ScoringLeadHistory: 'scoring.qry.lead.history',
  ScoringLeadBreakdown: 'scoring.qry.lead.breakdown',
  ScoringLeadIntents: 'scoring.qry.lead.intents',
  ScoringRecalculateLead: 'scoring.rpc.lead.recalculate',
  ScoringRecalculateAll: 'scoring.rpc.recalculate',
  ScoringExpire: 'scoring.rpc.expire',
  ScoringGetJob: 'scoring.qry.job.get',
  ScoringListIntentRules: 'scoring.qry.intent_rule.list',
  ScoringGetIntentRule: 'scoring.qry.intent_rule.get',
  ScoringCreateIntentRule: 'scoring.rpc.intent_rule.create',
  ScoringUpdateIntentRule: 'scoring.rpc.intent_rule.update',
  ScoringArchiveIntentRule: 'scoring.rpc.intent_rule.archive',
  LeadsListTeam: 'leads.qry.team.list',
  LeadsTeamStats: 'leads.qry.team.stats',
  LeadsGetTeamMember: 'leads.qry.team.get',
  LeadsTeamWorkload: 'leads.qry.team.workload',
  LeadsCreateTeamMember: 'leads.rpc.team.create',
  LeadsRegisterTeamMember: 'leads.rpc.team.register',
  LeadsUpdateTeamMember: 'leads.rpc.team.update',
  LeadsDeleteTeamMember: 'leads.rpc.team.delete',
  LeadsActivateTeamMember: 'leads.rpc.team.activate',
  LeadsDeactivateTeamMember: 'leads.rpc.team.deactivate',
  AutomationGetStageTriggers: 'automation.qry.stage_triggers.get',
  AutomationReplaceStageTriggers: 'automation.rpc.stage_triggers.replace',
  AutomationListRuns: 'automation.qry.trigger_run.list',
  AutomationGetRun: 'automation.qry.trigger_run.get',
  AutomationRetryRun: 'automation.rpc.trigger_run.retry',
} as const;
export type QuerySubject = (typeof Queries)[keyof typeof Queries];

/** Every service answers whether it is ready (its database and broker checks), for the gateway's /health. */
export const HealthQueries = {
  ready: (service: string) => `${service}.rpc.health.ready`,
};

/** Operator queries every service with consumers answers for its own dead letters. */
export const DeadLetterQueries = {
  list: (service: string) => `${service}.rpc.dead_letters.list`,
  retry: (service: string) => `${service}.rpc.dead_letters.retry`,
  delete: (service: string) => `${service}.rpc.dead_letters.delete`,
};

import type { DatabaseModuleOptions } from '@crm/service-kit';
import { messagingEntities, messagingMigrations } from '@crm/messaging';
import { DealStageHistoryEntity } from '../deals/deal-stage-history.entity';
import { DealEntity } from '../deals/deal.entity';
import { LeadEventEntity } from '../leads/lead-event.entity';
import { LeadEntity } from '../leads/lead.entity';
import { OrganizationEntity } from '../leads/organization.entity';
import { PipelineEntity } from '../pipelines/pipeline.entity';
import { StageEntity } from '../pipelines/stage.entity';
import { TeamMemberEntity } from '../team/team-member.entity';
import { CreateLeadsTables1764000000000 } from './migrations/1764000000000-create-leads-tables';
import { SeedDefaultPipelines1764000000001 } from './migrations/1764000000001-seed-default-pipelines';
import { HotLeadUpdates1796200000000 } from './migrations/1796200000000-hot-lead-updates';
import { LeadEventScores1796200000100 } from './migrations/1796200000100-lead-event-scores';
import { LeadProfileVersion1796300000000 } from './migrations/1796300000000-lead-profile-version';
import { TeamMembers1796300000100 } from './migrations/1796300000100-team-members';
import { Routing1796400000000 } from './migrations/1796400000000-routing';
import { StageHistorySurvivesStageDelete1796500000000 } from './migrations/1796500000000-stage-history-survives-stage-delete';
import { RoutedScore1796500001000 } from './migrations/1796500001000-routed-score';
import { LeadTouchSourceLength1796500002000 } from './migrations/1796500002000-lead-touch-source-length';
import { LeadErasures1796500002100 } from './migrations/1796500002100-lead-erasures';
import { LeadImports1796500006000 } from './migrations/1796500006000-lead-imports';
import { TaskCommandKeys1796600000000 } from './migrations/1796600000000-task-command-keys';

/** The same options for the running service and the `migrate` script. */
export const databaseOptions: DatabaseModuleOptions = {
  schema: 'leads',
  entities: [
    ...messagingEntities,
    OrganizationEntity,
    LeadEntity,
    LeadEventEntity,
    PipelineEntity,
    StageEntity,
    DealEntity,
    DealStageHistoryEntity,
    TeamMemberEntity,
  ],
  migrations: [
    ...messagingMigrations,
    CreateLeadsTables1764000000000,
    SeedDefaultPipelines1764000000001,
    HotLeadUpdates1796200000000,
    LeadEventScores1796200000100,
    LeadProfileVersion1796300000000,
    TeamMembers1796300000100,
    Routing1796400000000,
    StageHistorySurvivesStageDelete1796500000000,
    RoutedScore1796500001000,
    LeadTouchSourceLength1796500002000,
    LeadErasures1796500002100,
    LeadImports1796500006000,
    TaskCommandKeys1796600000000,
  ],
};

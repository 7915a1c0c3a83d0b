import { messagingEntities, messagingMigrations } from '@crm/messaging';
import type { DatabaseModuleOptions } from '@crm/service-kit';
import { IntentRule } from '../rules/intent-rule.entity';
import { RuleVersion } from '../rules/rule-version.entity';
import { ScoringRule } from '../rules/scoring-rule.entity';
import { LeadScore } from '../scoring/lead-score.entity';
import { ScoreLedgerEntry } from '../scoring/score-ledger-entry.entity';
import { CreateScoringTables1795445500000 } from './migrations/1795445500000-create-scoring-tables';
import { SeedDefaultScoringRules1795445500100 } from './migrations/1795445500100-seed-default-scoring-rules';
import { LeadScoresFillfactor1796200000000 } from './migrations/1796200000000-lead-scores-fillfactor';
import { RulesRevision1796100000000 } from './migrations/1796100000000-rules-revision';
import { RuleVersionAuthors1796300000000 } from './migrations/1796300000000-rule-version-authors';
import { FitScoring1796300000100 } from './migrations/1796300000100-fit-scoring';
import { IntentDetection1796300000200 } from './migrations/1796300000200-intent-detection';
import { ReplayAndJobs1796300000300 } from './migrations/1796300000300-replay-and-jobs';

export const SCORING_SCHEMA = 'scoring';

/** Shared by the AppModule and the `migrate` script, so both apply exactly the same migrations. */
export const databaseOptions: DatabaseModuleOptions = {
  schema: SCORING_SCHEMA,
  // The messaging tables (outbox, inbox, dead letters) come first: our migrations may rely on them existing.
  entities: [...messagingEntities, ScoringRule, RuleVersion, IntentRule, ScoreLedgerEntry, LeadScore],
  migrations: [
    ...messagingMigrations,
    CreateScoringTables1795445500000,
    SeedDefaultScoringRules1795445500100,
    RulesRevision1796100000000,
    LeadScoresFillfactor1796200000000,
    RuleVersionAuthors1796300000000,
    FitScoring1796300000100,
    IntentDetection1796300000200,
    ReplayAndJobs1796300000300,
  ],
};

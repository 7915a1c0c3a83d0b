import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@crm/service-kit';
import { slugify } from '../../pipelines/pipeline.rules';

interface SeedStage {
  name: string;
  stageType: string;
  color: string;
}

interface SeedPipeline {
  slug: string;
  name: string;
  description: string;
  isDefault: boolean;
  stages: SeedStage[];
}

const OPEN_STAGE_TYPES = ['awareness', 'interest', 'consideration', 'evaluation', 'decision'];
const OPEN_STAGE_COLORS = ['#94A3B8', '#60A5FA', '#818CF8', '#A78BFA', '#F59E0B'];
const WON_COLOR = '#22C55E';
const LOST_COLOR = '#EF4444';

/** Open stages get the funnel types in order; then the won and the lost stage (product.md). */
function funnel(openStages: string[], won?: string, lost?: string): SeedStage[] {
  const stages = openStages.map((name, i) => ({
    name,
    stageType: OPEN_STAGE_TYPES[i],
    color: OPEN_STAGE_COLORS[i],
  }));
  if (won) stages.push({ name: won, stageType: 'closed_won', color: WON_COLOR });
  if (lost) stages.push({ name: lost, stageType: 'closed_lost', color: LOST_COLOR });
  return stages;
}

export const DEFAULT_PIPELINES: SeedPipeline[] = [
  {
    slug: 'discovery',
    name: 'Discovery',
    description: 'Global lead pool: new leads are qualified here until routing places them in a pipeline.',
    isDefault: true,
    stages: funnel(['New Lead', 'Qualifying', 'Routed to Pipeline']),
  },
  {
    slug: 'research-lab',
    name: 'Research Lab',
    description: 'Academic and research labs buying 16S sequencing for their projects.',
    isDefault: false,
    stages: funnel(
      ['Initial Contact', 'Information Phase', 'Consultation Scheduled', 'Pilot Project', 'Proposal Sent'],
      'Customer',
      'Lost',
    ),
  },
  {
    slug: 'b2b-lab-enablement',
    name: 'B2B Lab Enablement',
    description: 'Companies and service labs that integrate sequencing into their own operations.',
    isDefault: false,
    stages: funnel(
      ['Initial Contact', 'Technical Discovery', 'Deep Analysis', 'Proof of Concept', 'Business Case Review'],
      'Contract Signed',
      'Lost',
    ),
  },
  {
    slug: 'panel-co-creation',
    name: 'Panel Co-Creation',
    description: 'Partners developing custom or white-label panels together with DNA ME.',
    isDefault: false,
    stages: funnel(
      [
        'Initial Contact',
        'Exploration Phase',
        'Requirements Workshop',
        'Panel Development',
        'Contract Finalization',
      ],
      'Partnership Signed',
      'Lost',
    ),
  },
];

/** The four default pipelines and their stages. Idempotent: existing slugs are left untouched. */
export class SeedDefaultPipelines1764000000001 implements MigrationInterface {
  name = 'SeedDefaultPipelines1764000000001';

  async up(runner: QueryRunner): Promise<void> {
    const s = `"${schemaOf(runner)}"`;
    for (const [index, pipeline] of DEFAULT_PIPELINES.entries()) {
      // created_at spaced by a millisecond so lists show the pipelines in this order.
      await runner.query(
        `INSERT INTO ${s}.pipelines (slug, name, description, is_default, created_at, updated_at)
         VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5::double precision / 1000), now())
         ON CONFLICT DO NOTHING`,
        [pipeline.slug, pipeline.name, pipeline.description, pipeline.isDefault, index],
      );
      for (const [position, stage] of pipeline.stages.entries()) {
        await runner.query(
          `INSERT INTO ${s}.stages (pipeline_id, slug, name, position, color, stage_type)
           SELECT p.id, $2, $3, $4, $5, $6 FROM ${s}.pipelines p WHERE p.slug = $1
           ON CONFLICT DO NOTHING`,
          [pipeline.slug, slugify(stage.name), stage.name, position + 1, stage.color, stage.stageType],
        );
      }
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = `"${schemaOf(runner)}"`;
    // Only pipelines nobody has deals in; the seeded data may have been edited and used since.
    await runner.query(
      `DELETE FROM ${s}.pipelines p WHERE p.slug = ANY($1)
         AND NOT EXISTS (SELECT 1 FROM ${s}.deals d WHERE d.pipeline_id = p.id)`,
      [DEFAULT_PIPELINES.map((p) => p.slug)],
    );
  }
}

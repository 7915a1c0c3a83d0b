import 'reflect-metadata';
import { createDataSource, initializeDatabase } from '@crm/service-kit';
import { createTestDatabase, type TestDatabase } from '@crm/testing';
import type { DataSource } from 'typeorm';
import { databaseOptions } from '../src/database/database.options';
import { SeedDefaultScoringRules1795445500100 } from '../src/database/migrations/1795445500100-seed-default-scoring-rules';

interface RuleRow {
  slug: string;
  rule_type: string;
  category: string;
  conditions: Record<string, unknown>;
  points: number;
  max_per_day: number | null;
  max_per_lead: number | null;
  decay_days: number | null;
  is_active: boolean;
  version: number;
}

describe('default scoring rules (migrations on a fresh database)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('scoring_seed');
    // The same path as `npm run migrate`: create schema, apply every committed migration.
    dataSource = createDataSource(db.url, databaseOptions, 2);
    await initializeDatabase(dataSource, db.url, databaseOptions.schema);
  });

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await db?.drop();
  });

  const rules = (): Promise<RuleRow[]> =>
    dataSource.query(
      `SELECT slug, rule_type, category, conditions, points, max_per_day, max_per_lead, decay_days, is_active, version
         FROM scoring.scoring_rules ORDER BY priority`,
    );

  it('seeds the 13 event rules of product.md exactly', async () => {
    const eventRules = (await rules()).filter((r) => r.rule_type === 'event');
    const row = (r: RuleRow) => [
      r.slug,
      r.conditions,
      r.points,
      r.category,
      r.max_per_day,
      r.max_per_lead,
      r.decay_days,
    ];
    expect(eventRules.map(row)).toEqual([
      ['eng-page-visit', { event_type: 'page_visited' }, 2, 'engagement', 10, null, 30],
      [
        'eng-pricing-page',
        { event_type: 'page_visited', metadata: { page_path: '/pricing' } },
        15,
        'engagement',
        3,
        null,
        14,
      ],
      ['eng-email-open', { event_type: 'email_opened' }, 3, 'engagement', 5, null, 30],
      ['eng-email-click', { event_type: 'email_clicked' }, 8, 'engagement', 5, null, 21],
      [
        'eng-linkedin-accepted',
        { event_type: 'linkedin_connection_accepted' },
        10,
        'engagement',
        null,
        1,
        null,
      ],
      ['eng-linkedin-reply', { event_type: 'linkedin_message_replied' }, 25, 'engagement', 3, null, 14],
      ['beh-form-submit', { event_type: 'form_submitted' }, 20, 'behavior', 3, null, 30],
      ['beh-contact-form', { event_type: 'contact_form_submitted' }, 35, 'behavior', null, 3, null],
      ['beh-demo-request', { event_type: 'demo_requested' }, 50, 'behavior', null, 1, null],
      ['beh-roi-calculator', { event_type: 'roi_calculator_submitted' }, 30, 'behavior', null, 3, 60],
      ['beh-sample-download', { event_type: 'sample_report_downloaded' }, 25, 'behavior', null, 3, 45],
      ['beh-webinar-registered', { event_type: 'webinar_registered' }, 20, 'behavior', 2, null, 30],
      ['beh-webinar-attended', { event_type: 'webinar_attended' }, 35, 'behavior', 2, null, 45],
    ]);
    expect(eventRules.every((r) => r.is_active && r.version === 1)).toBe(true);
  });

  it('seeds the 4 fit rules as active demographic field rules, once per lead', async () => {
    const fitRules = (await rules()).filter((r) => r.rule_type === 'field');
    expect(fitRules.map((r) => [r.slug, r.conditions, r.points])).toEqual([
      ['fit-academic-email', { field: 'email', operator: 'pattern', value: '\\.(edu|ac\\.|uni-)' }, 15],
      [
        'fit-corporate-email',
        { field: 'email', operator: 'not_pattern', value: 'gmail|yahoo|hotmail|outlook' },
        10,
      ],
      [
        'fit-decision-maker-title',
        {
          field: 'job_title',
          operator: 'contains',
          value: ['VP', 'Director', 'Head of', 'Chief', 'Manager'],
        },
        20,
      ],
      [
        'fit-researcher-title',
        {
          field: 'job_title',
          operator: 'contains',
          value: ['PhD', 'PostDoc', 'Researcher', 'Professor', 'PI', 'Scientist'],
        },
        15,
      ],
    ]);
    expect(
      fitRules.every(
        (r) => r.is_active && r.category === 'demographic' && r.max_per_lead === 1 && r.decay_days === null,
      ),
    ).toBe(true);
  });

  it('keeps a version-1 snapshot of every rule', async () => {
    const snapshots: { slug: string; snapshot: Record<string, unknown> }[] = await dataSource.query(
      `SELECT r.slug, v.snapshot FROM scoring.rule_versions v JOIN scoring.scoring_rules r ON r.id = v.rule_id
        WHERE v.version = 1 ORDER BY r.priority`,
    );
    expect(snapshots).toHaveLength(17);
    expect(snapshots[1].snapshot).toMatchObject({
      slug: 'eng-pricing-page',
      points: 15,
      conditions: { event_type: 'page_visited', metadata: { page_path: '/pricing' } },
      max_per_day: 3,
      decay_days: 14,
    });
  });

  it('is idempotent and never overwrites a rule that was edited since', async () => {
    await dataSource.query(
      `UPDATE scoring.scoring_rules SET points = 60, version = 2 WHERE slug = 'beh-demo-request'`,
    );
    const runner = dataSource.createQueryRunner();
    try {
      await new SeedDefaultScoringRules1795445500100().up(runner);
    } finally {
      await runner.release();
    }
    const after = await rules();
    expect(after).toHaveLength(17);
    expect(after.find((r) => r.slug === 'beh-demo-request')).toMatchObject({ points: 60, version: 2 });
    const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM scoring.rule_versions`);
    // The edited rule's version 2 gets its snapshot too (the rules API will write it itself).
    expect(n).toBe(18);
  });
});

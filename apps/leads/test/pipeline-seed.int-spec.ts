import { createDataSource, initializeDatabase } from '@crm/service-kit';
import { createTestDatabase, type TestDatabase } from '@crm/testing';
import type { DataSource } from 'typeorm';
import { databaseOptions } from '../src/database/database.options';
import { SeedDefaultPipelines1764000000001 } from '../src/database/migrations/1764000000001-seed-default-pipelines';

describe('default pipelines seed (migrations on a fresh database)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('leads_seed');
    dataSource = createDataSource(db.url, databaseOptions, 2);
    await initializeDatabase(dataSource, db.url, databaseOptions.schema);
  });
  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await db?.drop();
  });

  const stagesOf = (
    slug: string,
  ): Promise<{ slug: string; name: string; position: number; stage_type: string }[]> =>
    dataSource.query(
      `SELECT s.slug, s.name, s.position, s.stage_type FROM leads.stages s
         JOIN leads.pipelines p ON p.id = s.pipeline_id WHERE p.slug = $1 ORDER BY s.position`,
      [slug],
    );

  it('seeds the four pipelines of product.md with discovery as the only default', async () => {
    const pipelines: { slug: string; name: string; is_default: boolean; is_active: boolean }[] =
      await dataSource.query(
        'SELECT slug, name, is_default, is_active FROM leads.pipelines ORDER BY created_at',
      );
    expect(pipelines).toEqual([
      { slug: 'discovery', name: 'Discovery', is_default: true, is_active: true },
      { slug: 'research-lab', name: 'Research Lab', is_default: false, is_active: true },
      { slug: 'b2b-lab-enablement', name: 'B2B Lab Enablement', is_default: false, is_active: true },
      { slug: 'panel-co-creation', name: 'Panel Co-Creation', is_default: false, is_active: true },
    ]);
  });

  it('gives every pipeline its stages in order, with funnel types and the won/lost stages', async () => {
    expect(await stagesOf('discovery')).toEqual([
      { slug: 'new-lead', name: 'New Lead', position: 1, stage_type: 'awareness' },
      { slug: 'qualifying', name: 'Qualifying', position: 2, stage_type: 'interest' },
      { slug: 'routed-to-pipeline', name: 'Routed to Pipeline', position: 3, stage_type: 'consideration' },
    ]);
    expect((await stagesOf('research-lab')).map((s) => [s.name, s.stage_type])).toEqual([
      ['Initial Contact', 'awareness'],
      ['Information Phase', 'interest'],
      ['Consultation Scheduled', 'consideration'],
      ['Pilot Project', 'evaluation'],
      ['Proposal Sent', 'decision'],
      ['Customer', 'closed_won'],
      ['Lost', 'closed_lost'],
    ]);
    expect((await stagesOf('b2b-lab-enablement')).map((s) => s.name)).toEqual([
      'Initial Contact',
      'Technical Discovery',
      'Deep Analysis',
      'Proof of Concept',
      'Business Case Review',
      'Contract Signed',
      'Lost',
    ]);
    expect((await stagesOf('panel-co-creation')).map((s) => [s.slug, s.stage_type])).toEqual([
      ['initial-contact', 'awareness'],
      ['exploration-phase', 'interest'],
      ['requirements-workshop', 'consideration'],
      ['panel-development', 'evaluation'],
      ['contract-finalization', 'decision'],
      ['partnership-signed', 'closed_won'],
      ['lost', 'closed_lost'],
    ]);
  });

  it('is idempotent and never overwrites what was edited since', async () => {
    await dataSource.query(
      `UPDATE leads.stages SET name = 'First Call' WHERE slug = 'initial-contact'
         AND pipeline_id = (SELECT id FROM leads.pipelines WHERE slug = 'research-lab')`,
    );
    await dataSource.query(`UPDATE leads.pipelines SET name = 'Research' WHERE slug = 'research-lab'`);
    const runner = dataSource.createQueryRunner();
    try {
      await new SeedDefaultPipelines1764000000001().up(runner);
    } finally {
      await runner.release();
    }
    const [{ pipelines, stages }] = await dataSource.query(
      'SELECT (SELECT count(*)::int FROM leads.pipelines) AS pipelines, (SELECT count(*)::int FROM leads.stages) AS stages',
    );
    expect({ pipelines, stages }).toEqual({ pipelines: 4, stages: 24 });
    expect((await stagesOf('research-lab'))[0].name).toBe('First Call');
    expect(await dataSource.query(`SELECT name FROM leads.pipelines WHERE slug = 'research-lab'`)).toEqual([
      { name: 'Research' },
    ]);
  });
});

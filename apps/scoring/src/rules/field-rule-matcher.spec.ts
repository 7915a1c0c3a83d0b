import type { LeadFitProfile } from '@crm/contracts';
import { matchesFieldRule } from './field-rule-matcher';
import type { FieldOperator } from './rule-conditions';

const profile = (overrides: Partial<LeadFitProfile> = {}): LeadFitProfile => ({
  email: 'jane@acme-bio.com',
  first_name: 'Jane',
  last_name: null,
  phone: null,
  job_title: 'Head of Lab Operations',
  status: 'new',
  lifecycle_stage: 'lead',
  first_touch_source: 'waalaxy',
  linkedin_url: null,
  organization: {
    name: 'Acme Bio',
    domain: 'acme-bio.com',
    industry: 'Biotech',
    company_size: '51-200',
    country: 'DE',
  },
  ...overrides,
});

const rule = (field: string, operator: FieldOperator, value: unknown) =>
  ({ field, operator, value }) as Parameters<typeof matchesFieldRule>[0];

describe('matchesFieldRule', () => {
  it('applies the default fit rules of product.md', () => {
    const academic = rule('email', 'pattern', '\\.(edu|ac\\.|uni-)');
    const corporate = rule('email', 'not_pattern', 'gmail|yahoo|hotmail|outlook');
    const decisionMaker = rule('job_title', 'contains', ['VP', 'Director', 'Head of', 'Chief', 'Manager']);
    const researcher = rule('job_title', 'contains', [
      'PhD',
      'PostDoc',
      'Researcher',
      'Professor',
      'PI',
      'Scientist',
    ]);

    expect(matchesFieldRule(corporate, profile())).toBe(true);
    expect(matchesFieldRule(corporate, profile({ email: 'jane@GMail.com' }))).toBe(false);
    expect(matchesFieldRule(academic, profile({ email: 'jane@lab.uni-bonn.de' }))).toBe(true);
    expect(matchesFieldRule(academic, profile({ email: 'jane@ox.ac.uk' }))).toBe(true);
    expect(matchesFieldRule(academic, profile())).toBe(false);
    expect(matchesFieldRule(decisionMaker, profile())).toBe(true);
    expect(matchesFieldRule(decisionMaker, profile({ job_title: 'lab manager' }))).toBe(true);
    expect(matchesFieldRule(researcher, profile())).toBe(false);
    expect(matchesFieldRule(researcher, profile({ job_title: 'Senior Scientist' }))).toBe(true);
  });

  it('matches nothing on a field without a value, negative operators included', () => {
    expect(matchesFieldRule(rule('email', 'not_pattern', 'gmail'), profile({ email: null }))).toBe(false);
    expect(matchesFieldRule(rule('job_title', 'not_contains', ['Student']), profile({ job_title: '' }))).toBe(
      false,
    );
    expect(
      matchesFieldRule(rule('organization.industry', 'equals', 'Biotech'), profile({ organization: null })),
    ).toBe(false);
  });

  it('reads organization fields and compares sizes by their leading number', () => {
    expect(matchesFieldRule(rule('organization.company_size', 'gte', 51), profile())).toBe(true);
    const small = profile({ organization: { ...profile().organization!, company_size: '11-50' } });
    expect(matchesFieldRule(rule('organization.company_size', 'gte', 51), small)).toBe(false);
    expect(matchesFieldRule(rule('organization.company_size', 'lte', 50), small)).toBe(true);
    const big = profile({ organization: { ...profile().organization!, company_size: '1000+' } });
    expect(matchesFieldRule(rule('organization.company_size', 'gte', 1000), big)).toBe(true);
    expect(matchesFieldRule(rule('organization.industry', 'in', ['Pharma', 'biotech']), profile())).toBe(
      true,
    );
    expect(matchesFieldRule(rule('organization.country', 'equals', 'de'), profile())).toBe(true);
    expect(matchesFieldRule(rule('organization.country', 'in', ['AT', 'CH']), profile())).toBe(false);
  });

  it('not_contains holds only when no item is contained', () => {
    expect(matchesFieldRule(rule('job_title', 'not_contains', ['Student', 'Intern']), profile())).toBe(true);
    expect(matchesFieldRule(rule('job_title', 'not_contains', ['student', 'lab']), profile())).toBe(false);
  });
});

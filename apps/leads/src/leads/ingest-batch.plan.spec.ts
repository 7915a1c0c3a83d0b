import { extractCompany } from './company.rules';
import { extractProfile, normalizeIdentifier } from './identity.rules';
import {
  IngestBatchPlan,
  emptyLeadState,
  ingestLockKeys,
  type IngestFacts,
  type LeadState,
  type OrganizationState,
} from './ingest-batch.plan';

function facts(
  identifier: Record<string, string>,
  metadata: Record<string, unknown> = {},
  occurredAt = '2025-01-01T00:00:00Z',
  source = 'website',
): IngestFacts {
  const normalized = normalizeIdentifier(identifier);
  return {
    identifier: normalized,
    profile: extractProfile(metadata),
    company: extractCompany(metadata, normalized.email),
    touch: { source, campaign: null, occurredAt: new Date(occurredAt) },
  };
}

function lead(fields: Partial<LeadState> & { id: string }): LeadState {
  return { ...emptyLeadState(fields.id), ...fields };
}

function organization(fields: Partial<OrganizationState> & { id: string; name: string }): OrganizationState {
  return {
    domain: null,
    industry: null,
    companySize: null,
    country: null,
    createdAt: new Date('2024-01-01T00:00:00Z'),
    ...fields,
  };
}

function planOver(leads: LeadState[] = [], organizations: OrganizationState[] = []): IngestBatchPlan {
  let next = 0;
  return new IngestBatchPlan(leads, organizations, () => `new-${++next}`);
}

describe('IngestBatchPlan', () => {
  it('creates one lead for several events of one new person, matching case-insensitively', () => {
    const plan = planOver();
    const first = plan.apply(facts({ email: 'Jane@Lab.example' }, { first_name: 'Jane' }));
    const second = plan.apply(
      facts({ email: 'jane@lab.example' }, { first_name: 'Janet', last_name: 'Doe' }),
    );

    expect(first).toEqual({ leadId: 'new-1', created: true, matchedBy: null });
    expect(second).toEqual({ leadId: 'new-1', created: false, matchedBy: 'email' });
    expect(plan.newLeads).toHaveLength(1);
    expect(plan.newLeads[0]).toMatchObject({ email: 'jane@lab.example', firstName: 'Jane', lastName: 'Doe' });
    expect(plan.changedLeads).toEqual([]);
  });

  it('fills missing identifiers and empty profile fields of a known lead, never overwriting', () => {
    const known = lead({ id: 'l1', waalaxyId: 'wx-1', firstName: 'Jane', jobTitle: 'Scientist' });
    const plan = planOver([known]);
    const resolution = plan.apply(
      facts(
        { email: 'jane@lab.example', waalaxy_id: 'wx-1', lemlist_id: 'lm-1' },
        { first_name: 'Janet', last_name: 'Doe', job_title: 'CSO' },
      ),
    );

    expect(resolution).toEqual({ leadId: 'l1', created: false, matchedBy: 'waalaxy_id' });
    expect(plan.changedLeads).toEqual([
      expect.objectContaining({
        id: 'l1',
        email: 'jane@lab.example',
        lemlistId: 'lm-1',
        firstName: 'Jane',
        lastName: 'Doe',
        jobTitle: 'Scientist',
      }),
    ]);
    expect(known.email).toBeNull(); // the input is copied, not changed
  });

  it("never takes another lead's identifier: email wins, the other lead keeps its external id", () => {
    const owner = lead({ id: 'owner', email: 'owner@lab.example' });
    const other = lead({ id: 'other', waalaxyId: 'wx-9' });
    const plan = planOver([owner, other]);
    const resolution = plan.apply(facts({ email: 'owner@lab.example', waalaxy_id: 'wx-9' }));

    expect(resolution).toMatchObject({ leadId: 'owner', matchedBy: 'email' });
    expect(plan.changedLeads.map((l) => [l.id, l.waalaxyId])).toEqual([['owner', null]]);
  });

  it('lets later events match identifiers that earlier events of the batch filled', () => {
    const plan = planOver([lead({ id: 'l1', email: 'a@lab.example' })]);
    plan.apply(facts({ email: 'a@lab.example', portal_id: 'p-1' }));
    expect(plan.apply(facts({ portal_id: 'p-1' }))).toMatchObject({ leadId: 'l1', matchedBy: 'portal_id' });
    expect(plan.newLeads).toEqual([]);
  });

  it('resolves each event against the leads as they were at its turn, not as the batch ends', () => {
    // The first event matches l1 by portal id (its email is new to everybody and not filled: l1 has one);
    // the second creates a lead with that email. Had the second come first, the first would match it.
    const plan = planOver([lead({ id: 'l1', email: 'old@lab.example', portalId: 'p-1' })]);
    const first = plan.apply(facts({ email: 'new@lab.example', portal_id: 'p-1' }));
    const second = plan.apply(facts({ email: 'new@lab.example' }));

    expect(first).toMatchObject({ leadId: 'l1', matchedBy: 'portal_id' });
    expect(second).toMatchObject({ created: true });
    expect(plan.newLeads.map((l) => [l.id, l.email])).toEqual([[second.leadId, 'new@lab.example']]);
  });

  it('attributes first and last touch by event time, whatever the order inside the batch', () => {
    const plan = planOver();
    plan.apply(facts({ email: 'a@lab.example' }, {}, '2025-03-10T00:00:00Z', 'ads'));
    plan.apply(facts({ email: 'a@lab.example' }, {}, '2025-03-01T00:00:00Z', 'website'));
    plan.apply(facts({ email: 'a@lab.example' }, {}, '2025-03-20T00:00:00Z', 'lemlist'));

    expect(plan.newLeads[0]).toMatchObject({
      firstTouchSource: 'website',
      firstTouchDate: new Date('2025-03-01T00:00:00Z'),
      lastTouchSource: 'lemlist',
      lastActivity: new Date('2025-03-20T00:00:00Z'),
    });
  });

  it('creates an organization per corporate domain once, fills it, and none from free mail', () => {
    const plan = planOver();
    plan.apply(facts({ email: 'jane@acme.example' }, { company_name: 'Acme Bio', industry: 'Biotech' }));
    plan.apply(facts({ email: 'bob@acme.example' }, { company_size: '51-200', industry: 'Pharma' }));
    plan.apply(facts({ email: 'someone@gmail.com' }, { industry: 'Biotech' }));

    expect(plan.newOrganizations).toEqual([
      expect.objectContaining({
        id: 'new-2',
        name: 'Acme Bio',
        domain: 'acme.example',
        industry: 'Biotech',
        companySize: '51-200',
      }),
    ]);
    expect(plan.newLeads.map((l) => l.organizationId)).toEqual(['new-2', 'new-2', null]);
    expect(plan.filledOrganizations).toEqual([]);
  });

  it('matches an organization by name, the oldest without another domain, and gives it the domain', () => {
    const plan = planOver(
      [],
      [
        organization({
          id: 'o-other',
          name: 'Lab AG',
          domain: 'other.example',
          createdAt: new Date('2024-09-01T00:00:00Z'),
        }),
        organization({ id: 'o-new', name: 'Lab AG', createdAt: new Date('2024-06-01T00:00:00Z') }),
        organization({ id: 'o-old', name: 'LAB AG', createdAt: new Date('2024-02-01T00:00:00Z') }),
      ],
    );
    const freeMail = plan.apply(facts({ email: 'a@gmail.com' }, { company_name: 'lab ag' }));
    const corporate = plan.apply(
      facts({ email: 'b@lab.example' }, { company_name: 'Lab AG', country: 'de' }),
    );

    expect(plan.newLeads.map((l) => l.organizationId)).toEqual(['o-old', 'o-old']);
    expect([freeMail.leadId, corporate.leadId]).toEqual(['new-1', 'new-2']);
    expect(plan.filledOrganizations).toEqual([{ id: 'o-old', domain: 'lab.example', country: 'DE' }]);
    expect(plan.newOrganizations).toEqual([]);
  });

  it("fills the lead's own organization only from events about it", () => {
    const own = organization({ id: 'o1', name: 'Acme', domain: 'acme.example' });
    const plan = planOver([lead({ id: 'l1', email: 'a@gmail.com', organizationId: 'o1' })], [own]);
    plan.apply(facts({ email: 'a@gmail.com' }, { company_name: 'Other Corp', industry: 'Food' }));
    plan.apply(facts({ email: 'a@gmail.com' }, { industry: 'Biotech' }));

    expect(plan.filledOrganizations).toEqual([{ id: 'o1', industry: 'Biotech' }]);
  });
});

describe('ingestLockKeys', () => {
  it('names every identifier, company domain and name once, sorted', () => {
    const keys = ingestLockKeys([
      facts({ email: 'B@lab.example', waalaxy_id: 'wx-1' }, { company_name: 'Lab AG' }),
      facts({ email: 'b@lab.example' }, { company_name: 'LAB AG' }),
    ]);
    expect(keys).toEqual([
      'email:b@lab.example',
      'organization-domain:lab.example',
      'organization-name:lab ag',
      'waalaxy_id:wx-1',
    ]);
  });

  describe('importDecision (api.md §4.4)', () => {
    const known = () =>
      lead({ id: 'a', email: 'jane@lab.example', linkedinUrl: 'https://linkedin.com/in/jane' });

    it('applies a row of a new person, skips or applies a known one by the skip flag', () => {
      const plan = planOver([known()]);
      expect(plan.importDecision(facts({ email: 'new@lab.example' }), true)).toEqual({ kind: 'apply' });
      expect(plan.importDecision(facts({ email: 'JANE@lab.example' }), true)).toEqual({
        kind: 'skip',
        leadId: 'a',
      });
      expect(plan.importDecision(facts({ email: 'jane@lab.example' }), false)).toEqual({ kind: 'apply' });
    });

    it('sees leads created earlier in the same batch', () => {
      const plan = planOver();
      plan.apply(facts({ email: 'twice@lab.example' }));
      expect(plan.importDecision(facts({ email: 'twice@lab.example' }), true)).toEqual({
        kind: 'skip',
        leadId: 'new-1',
      });
    });

    it("is a conflict when another lead holds the row's LinkedIn URL, with or without a lead of its email", () => {
      const plan = planOver([known(), lead({ id: 'b', email: 'bob@lab.example' })]);
      const conflict = { kind: 'conflict', leadId: 'a', field: 'linkedin_url' };
      expect(
        plan.importDecision(
          facts({ email: 'bob@lab.example', linkedin_url: 'https://linkedin.com/in/jane/' }),
          false,
        ),
      ).toEqual(conflict);
      expect(
        plan.importDecision(
          facts({ email: 'new@lab.example', linkedin_url: 'https://linkedin.com/in/jane' }),
          true,
        ),
      ).toEqual(conflict);
    });

    it('lets a row complete a lead that has its LinkedIn URL but no email', () => {
      const plan = planOver([lead({ id: 'c', linkedinUrl: 'https://linkedin.com/in/carl' })]);
      const row = facts({ email: 'carl@lab.example', linkedin_url: 'https://linkedin.com/in/carl' });
      expect(plan.importDecision(row, true)).toEqual({ kind: 'skip', leadId: 'c' });
      expect(plan.importDecision(row, false)).toEqual({ kind: 'apply' });
    });
  });
});

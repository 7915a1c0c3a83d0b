import {
  extractProfile,
  normalizeIdentifier,
  pickMatchingLead,
  planIdentityFill,
  type IdentityCandidate,
} from './identity.rules';

function lead(overrides: Partial<IdentityCandidate>): IdentityCandidate {
  return {
    id: 'lead-x',
    email: null,
    portalId: null,
    waalaxyId: null,
    linkedinUrl: null,
    lemlistId: null,
    firstName: null,
    lastName: null,
    phone: null,
    jobTitle: null,
    ...overrides,
  };
}

describe('normalizeIdentifier', () => {
  it('lowercases and trims the email, trims external ids and drops empty values', () => {
    expect(
      normalizeIdentifier({
        email: '  Jane.Doe@Example.COM ',
        portal_id: ' P-1 ',
        waalaxy_id: '   ',
        lemlist_id: 'L1',
      }),
    ).toEqual({ email: 'jane.doe@example.com', portal_id: 'P-1', lemlist_id: 'L1' });
  });

  it('strips trailing slashes from a LinkedIn URL but keeps its case', () => {
    expect(normalizeIdentifier({ linkedin_url: 'https://www.linkedin.com/in/JaneDoe//' })).toEqual({
      linkedin_url: 'https://www.linkedin.com/in/JaneDoe',
    });
  });
});

describe('extractProfile', () => {
  it('takes trimmed non-empty strings of the four profile keys and ignores everything else', () => {
    expect(
      extractProfile({
        first_name: ' Jane ',
        last_name: '',
        phone: 49,
        job_title: 'Head of Lab',
        company_name: 'Acme',
      }),
    ).toEqual({ firstName: 'Jane', jobTitle: 'Head of Lab' });
  });

  it('cuts values to the column sizes', () => {
    const profile = extractProfile({
      first_name: 'x'.repeat(150),
      job_title: 'y'.repeat(200),
      phone: '1'.repeat(60),
    });
    expect(profile.firstName).toHaveLength(100);
    expect(profile.jobTitle).toHaveLength(150);
    expect(profile.phone).toHaveLength(50);
  });
});

describe('pickMatchingLead', () => {
  const byEmail = lead({ id: 'by-email', email: 'jane@acme.com' });
  const byPortal = lead({ id: 'by-portal', portalId: 'P-1' });
  const byWaalaxy = lead({ id: 'by-waalaxy', waalaxyId: 'W-1' });
  const byLinkedin = lead({ id: 'by-linkedin', linkedinUrl: 'https://linkedin.com/in/jane' });
  const byLemlist = lead({ id: 'by-lemlist', lemlistId: 'L-1' });
  const all = [byLemlist, byLinkedin, byWaalaxy, byPortal, byEmail];

  it('prefers the email over every external id', () => {
    const match = pickMatchingLead(
      {
        email: 'jane@acme.com',
        portal_id: 'P-1',
        waalaxy_id: 'W-1',
        linkedin_url: 'https://linkedin.com/in/jane',
        lemlist_id: 'L-1',
      },
      all,
    );
    expect(match).toEqual({ lead: byEmail, matchedBy: 'email' });
  });

  it('compares emails case-insensitively even if a stored one is not lowercase', () => {
    const legacy = lead({ id: 'legacy', email: 'Jane@ACME.com' });
    expect(pickMatchingLead({ email: 'jane@acme.com' }, [legacy])?.lead.id).toBe('legacy');
  });

  it('falls back to portal_id, waalaxy_id, linkedin_url, lemlist_id in that order', () => {
    const ids = {
      portal_id: 'P-1',
      waalaxy_id: 'W-1',
      linkedin_url: 'https://linkedin.com/in/jane',
      lemlist_id: 'L-1',
    };
    expect(pickMatchingLead({ email: 'new@acme.com', ...ids }, all)?.matchedBy).toBe('portal_id');
    expect(
      pickMatchingLead({ waalaxy_id: 'W-1', linkedin_url: ids.linkedin_url, lemlist_id: 'L-1' }, all)?.lead
        .id,
    ).toBe('by-waalaxy');
    expect(pickMatchingLead({ linkedin_url: ids.linkedin_url, lemlist_id: 'L-1' }, all)?.lead.id).toBe(
      'by-linkedin',
    );
    expect(pickMatchingLead({ lemlist_id: 'L-1' }, all)?.lead.id).toBe('by-lemlist');
  });

  it('returns null when no candidate holds any identifier', () => {
    expect(pickMatchingLead({ email: 'other@acme.com', portal_id: 'P-9' }, all)).toBeNull();
  });

  it('does not match external ids by case-insensitive comparison', () => {
    expect(pickMatchingLead({ waalaxy_id: 'w-1' }, [byWaalaxy])).toBeNull();
  });
});

describe('planIdentityFill', () => {
  it('fills missing identifiers and empty profile fields', () => {
    const known = lead({ id: 'a', waalaxyId: 'W-1', firstName: '', lastName: null });
    const patch = planIdentityFill(
      known,
      { email: 'jane@acme.com', waalaxy_id: 'W-1', lemlist_id: 'L-1' },
      { firstName: 'Jane', lastName: 'Doe', jobTitle: 'CSO' },
      [known],
    );
    expect(patch).toEqual({
      email: 'jane@acme.com',
      lemlistId: 'L-1',
      firstName: 'Jane',
      lastName: 'Doe',
      jobTitle: 'CSO',
    });
  });

  it('never overwrites a set identifier or profile field', () => {
    const known = lead({
      id: 'a',
      email: 'jane@acme.com',
      portalId: 'P-1',
      firstName: 'Jane',
      phone: '+49 1',
    });
    const patch = planIdentityFill(
      known,
      { email: 'jane.doe@other.com', portal_id: 'P-2' },
      { firstName: 'Janet', phone: '+49 2', lastName: 'Doe' },
      [known],
    );
    expect(patch).toEqual({ lastName: 'Doe' });
  });

  it('does not take an email another lead holds: the matched lead keeps its (missing) email', () => {
    const matched = lead({ id: 'by-waalaxy', waalaxyId: 'W-1' });
    const owner = lead({ id: 'owner', email: 'jane@acme.com' });
    const patch = planIdentityFill(matched, { email: 'jane@acme.com', waalaxy_id: 'W-1' }, {}, [
      matched,
      owner,
    ]);
    expect(patch).toEqual({});
  });

  it('does not take an external id another lead holds', () => {
    const matched = lead({ id: 'by-email', email: 'jane@acme.com' });
    const other = lead({ id: 'other', lemlistId: 'L-1' });
    const patch = planIdentityFill(
      matched,
      { email: 'jane@acme.com', lemlist_id: 'L-1', portal_id: 'P-7' },
      {},
      [matched, other],
    );
    expect(patch).toEqual({ portalId: 'P-7' });
  });
});

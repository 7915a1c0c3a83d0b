import {
  canCreateOrganization,
  describesOrganization,
  emailDomain,
  extractCompany,
  isFreeMailDomain,
  normalizeDomain,
  planOrganizationFill,
  type OrganizationFacts,
} from './company.rules';

describe('isFreeMailDomain', () => {
  it.each([
    'gmail.com',
    'GMAIL.com',
    'yahoo.co.uk',
    'hotmail.fr',
    'outlook.de',
    'gmx.de',
    'web.de',
    'icloud.com',
    't-online.de',
  ])('%s is free mail', (domain) => expect(isFreeMailDomain(domain)).toBe(true));

  it.each(['acme.com', 'uni-heidelberg.de', 'outlook-consulting.com', 'gmail.acme.com'])(
    '%s is corporate',
    (domain) => expect(isFreeMailDomain(domain)).toBe(false),
  );
});

describe('normalizeDomain', () => {
  it('reduces URLs to a lowercase host without www', () => {
    expect(normalizeDomain('https://www.Acme.com/about?x=1')).toBe('acme.com');
    expect(normalizeDomain('acme.co.uk:8443')).toBe('acme.co.uk');
    expect(normalizeDomain(' Lab.Example.org. ')).toBe('lab.example.org');
  });

  it('rejects what is not a host name', () => {
    expect(normalizeDomain('not a domain')).toBeNull();
    expect(normalizeDomain('localhost')).toBeNull();
    expect(normalizeDomain(42)).toBeNull();
  });

  it('takes the domain of an email', () => {
    expect(emailDomain('jane@Biotech.EXAMPLE')).toBe('biotech.example');
    expect(emailDomain(undefined)).toBeNull();
  });
});

describe('extractCompany', () => {
  it('prefers metadata.company_domain over the email domain', () => {
    expect(extractCompany({ company_domain: 'https://acme.com' }, 'jane@acme-labs.de').domain).toBe(
      'acme.com',
    );
  });

  it('uses a corporate email domain when metadata names none', () => {
    expect(extractCompany({}, 'jane@acme-labs.de').domain).toBe('acme-labs.de');
  });

  it('never yields a free-mail domain, from metadata or from the email', () => {
    expect(extractCompany({ company_domain: 'gmail.com' }, 'jane@gmail.com').domain).toBeNull();
    expect(extractCompany({ company_domain: 'gmail.com' }, 'jane@acme.com').domain).toBe('acme.com');
  });

  it('reads name, industry, size and an ISO-2 country (upper-cased; anything else dropped)', () => {
    expect(
      extractCompany(
        { company_name: ' Acme GmbH ', industry: 'Biotech', company_size: '51-200', country: 'de' },
        null,
      ),
    ).toEqual({ domain: null, name: 'Acme GmbH', industry: 'Biotech', companySize: '51-200', country: 'DE' });
    expect(extractCompany({ country: 'Germany' }, null).country).toBeNull();
  });

  it('can create an organization only from a corporate domain or a company name', () => {
    expect(canCreateOrganization(extractCompany({}, 'jane@gmail.com'))).toBe(false);
    expect(canCreateOrganization(extractCompany({ company_name: 'Acme' }, 'jane@gmail.com'))).toBe(true);
    expect(canCreateOrganization(extractCompany({}, 'jane@acme.com'))).toBe(true);
  });
});

describe('organization fill', () => {
  const org: OrganizationFacts = {
    name: 'Acme',
    domain: 'acme.com',
    industry: 'Pharma',
    companySize: null,
    country: null,
  };

  it('fills only empty fields', () => {
    const hints = extractCompany(
      { industry: 'Biotech', company_size: '11-50', country: 'ch' },
      'jane@acme.com',
    );
    expect(planOrganizationFill(org, hints)).toEqual({ companySize: '11-50', country: 'CH' });
  });

  it('recognises the organization by domain or name, or when the event names no company', () => {
    expect(describesOrganization(org, extractCompany({}, 'jane@acme.com'))).toBe(true);
    expect(describesOrganization(org, extractCompany({ company_name: 'ACME' }, 'jane@gmail.com'))).toBe(true);
    expect(describesOrganization(org, extractCompany({ industry: 'x' }, 'jane@gmail.com'))).toBe(true);
    expect(describesOrganization(org, extractCompany({ company_name: 'Other AG' }, 'jane@other.de'))).toBe(
      false,
    );
  });
});

/** Organization matching inputs (product.md): domain first, then name; free-mail domains never make one. */

/** Consumer mailbox providers: an address there says nothing about the lead's employer. */
const FREE_MAIL_DOMAINS = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'ymail.com',
  'rocketmail.com',
  'hotmail.com',
  'outlook.com',
  'live.com',
  'msn.com',
  'gmx.de',
  'gmx.net',
  'gmx.at',
  'gmx.ch',
  'gmx.com',
  'web.de',
  'icloud.com',
  'me.com',
  'mac.com',
  'aol.com',
  'aim.com',
  'protonmail.com',
  'protonmail.ch',
  'proton.me',
  'pm.me',
  't-online.de',
  'freenet.de',
  'arcor.de',
  'posteo.de',
  'posteo.net',
  'mailbox.org',
  'mail.de',
  'online.de',
  'email.de',
  'vodafone.de',
  'bluewin.ch',
  'gmail.de',
  'tutanota.com',
  'tutanota.de',
  'tuta.io',
  'tuta.com',
  'fastmail.com',
  'hey.com',
  'zoho.com',
  'yandex.com',
  'yandex.ru',
  'mail.ru',
  'mail.com',
  'qq.com',
  '163.com',
  '126.com',
  'btinternet.com',
  'sky.com',
  'orange.fr',
  'wanadoo.fr',
  'free.fr',
  'libero.it',
]);

/** Providers that run the same free service under many country domains (yahoo.co.uk, hotmail.fr, gmx.fr …). */
const FREE_MAIL_BRANDS = new Set([
  'gmail',
  'googlemail',
  'yahoo',
  'hotmail',
  'outlook',
  'live',
  'gmx',
  'icloud',
  'aol',
  'yandex',
]);
const COUNTRY_SUFFIX = /^[a-z]{2,3}(\.[a-z]{2,3})?$/;

export function isFreeMailDomain(domain: string): boolean {
  const clean = domain.toLowerCase();
  if (FREE_MAIL_DOMAINS.has(clean)) return true;
  const dot = clean.indexOf('.');
  return dot > 0 && FREE_MAIL_BRANDS.has(clean.slice(0, dot)) && COUNTRY_SUFFIX.test(clean.slice(dot + 1));
}

const DOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** "https://www.Acme.com/about" → "acme.com"; anything that is not a host name → null. */
export function normalizeDomain(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  const host = input
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/^[^@/]*@/, '')
    .split(/[/?#:]/)[0]
    .replace(/^www\./, '')
    .replace(/\.$/, '');
  return host.length <= 255 && DOMAIN.test(host) ? host : null;
}

export function emailDomain(email: string | undefined | null): string | null {
  if (!email) return null;
  const at = email.lastIndexOf('@');
  return at < 0 ? null : normalizeDomain(email.slice(at + 1));
}

export interface CompanyHints {
  /** a corporate domain: metadata.company_domain, else the email's domain; never a free-mail one. */
  domain: string | null;
  name: string | null;
  industry: string | null;
  companySize: string | null;
  /** ISO-2, upper case */
  country: string | null;
}

function text(value: unknown, maxLength: number): string | null {
  if (typeof value !== 'string') return null;
  const clean = value.trim().slice(0, maxLength);
  return clean || null;
}

/** What an event says about the lead's organization. */
export function extractCompany(
  metadata: Record<string, unknown>,
  email: string | undefined | null,
): CompanyHints {
  const corporate = (domain: string | null): string | null =>
    domain && !isFreeMailDomain(domain) ? domain : null;
  const country = typeof metadata.country === 'string' ? metadata.country.trim() : '';
  return {
    domain: corporate(normalizeDomain(metadata.company_domain)) ?? corporate(emailDomain(email)),
    name: text(metadata.company_name, 255),
    industry: text(metadata.industry, 100),
    companySize: text(metadata.company_size, 50),
    country: /^[A-Za-z]{2}$/.test(country) ? country.toUpperCase() : null,
  };
}

export interface OrganizationFacts {
  name: string;
  domain: string | null;
  industry: string | null;
  companySize: string | null;
  country: string | null;
}

export type OrganizationFill = Partial<Pick<OrganizationFacts, 'industry' | 'companySize' | 'country'>>;

/** Empty organization fields the event can fill; set ones are never overwritten. */
export function planOrganizationFill(org: OrganizationFacts, hints: CompanyHints): OrganizationFill {
  const patch: OrganizationFill = {};
  if (!org.industry && hints.industry) patch.industry = hints.industry;
  if (!org.companySize && hints.companySize) patch.companySize = hints.companySize;
  if (!org.country && hints.country) patch.country = hints.country;
  return patch;
}

/**
 * Whether the event speaks about this organization: same domain or same name, or it names no company at
 * all (then its industry/size/country describe the lead's known organization).
 */
export function describesOrganization(org: OrganizationFacts, hints: CompanyHints): boolean {
  if (!hints.domain && !hints.name) return true;
  if (hints.domain && org.domain === hints.domain) return true;
  return hints.name !== null && org.name.toLowerCase() === hints.name.toLowerCase();
}

/** Enough to create an organization: a corporate domain or a company name. */
export function canCreateOrganization(hints: CompanyHints): boolean {
  return hints.domain !== null || hints.name !== null;
}

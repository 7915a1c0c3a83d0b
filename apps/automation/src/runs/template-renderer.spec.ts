import { escapeHtml, renderTemplate, type TemplateVariables } from './template-renderer';

const vars = (overrides: Partial<TemplateVariables> = {}): TemplateVariables => ({
  deal: { name: 'Acme Lab Rollout', value: 15000, currency: 'EUR' },
  lead: { email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' },
  stage: { name: 'Qualified' },
  pipeline: { name: 'B2B Lab Enablement' },
  company: { name: 'Acme Bio' },
  ...overrides,
});

describe('renderTemplate', () => {
  it('replaces the documented variables', () => {
    expect(
      renderTemplate(
        '{deal.name} ({deal.value}) by {lead.first_name} {lead.last_name} <{lead.email}> is in {stage.name} of {pipeline.name}',
        vars(),
      ),
    ).toBe(
      'Acme Lab Rollout (15000) by Ada Lovelace <ada@example.com> is in Qualified of B2B Lab Enablement',
    );
  });

  it('accepts the double-brace form of the email templates, with spaces inside', () => {
    expect(renderTemplate('Hi {{lead.first_name}}, {{ deal.name }}', vars())).toBe(
      'Hi Ada, Acme Lab Rollout',
    );
  });

  it('renders missing values as empty text', () => {
    const rendered = renderTemplate('[{deal.value}] [{lead.first_name}] [{lead.email}]', {
      ...vars(),
      deal: { name: 'x', value: null, currency: 'EUR' },
      lead: { email: null, first_name: null, last_name: null },
    });
    expect(rendered).toBe('[] [] []');
  });

  it('leaves unknown placeholders and plain braces as written', () => {
    expect(renderTemplate('{deal.owner} {company.size} {not a var} {}', vars())).toBe(
      '{deal.owner} {company.size} {not a var} {}',
    );
  });

  it('renders zero values and repeats', () => {
    expect(
      renderTemplate('{deal.value}/{deal.value}', {
        ...vars(),
        deal: { name: 'x', value: 0, currency: 'EUR' },
      }),
    ).toBe('0/0');
  });

  it('does not interpret replacement patterns inside values', () => {
    expect(
      renderTemplate('{deal.name}', { ...vars(), deal: { name: "$& $' $1", value: 1, currency: 'EUR' } }),
    ).toBe("$& $' $1");
  });

  it('escapes the values, not the template, when asked to (an email HTML part)', () => {
    const rendered = renderTemplate(
      '<p>{{lead.first_name}} of {{company.name}}</p>',
      vars({ lead: { email: null, first_name: '<b>Ada</b> & "Co"', last_name: null } }),
      escapeHtml,
    );
    expect(rendered).toBe('<p>&lt;b&gt;Ada&lt;/b&gt; &amp; &quot;Co&quot; of Acme Bio</p>');
  });
});

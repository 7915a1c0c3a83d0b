import { legacyShapeIssue, validateActionConfig, validateConditions } from './trigger-validation';

describe('validateActionConfig', () => {
  it('requires channel and message for send_slack_message, with field paths', () => {
    const { issues } = validateActionConfig('send_slack_message', { message: '  ' }, 'triggers.0.config');
    expect(issues.map((i) => i.path)).toEqual(['triggers.0.config.channel', 'triggers.0.config.message']);
  });

  it('requires to for send_notification_email and checks the addresses', () => {
    expect(validateActionConfig('send_notification_email', {}, 'c').issues.map((i) => i.path)).toEqual([
      'c.to',
    ]);
    expect(validateActionConfig('send_notification_email', { to: ['a@b.de', 'nope'] }, 'c').issues).toEqual([
      expect.objectContaining({ path: 'c.to', code: 'isEmail' }),
    ]);
    expect(validateActionConfig('send_notification_email', { to: 'a@b.de' }, 'c').issues).toEqual([]);
  });

  it('requires title_template for create_task and sequence_id for enroll_email_sequence', () => {
    expect(validateActionConfig('create_task', {}, 'c').issues.map((i) => i.path)).toEqual([
      'c.title_template',
    ]);
    expect(validateActionConfig('enroll_email_sequence', {}, 'c').issues.map((i) => i.path)).toEqual([
      'c.sequence_id',
    ]);
  });

  it('coerces numbers given as strings and refuses non-numbers', () => {
    const ok = validateActionConfig('create_moco_invoice_draft', { due_days: '14', tax: 19 }, 'c');
    expect(ok.issues).toEqual([]);
    expect(ok.config).toEqual({ due_days: 14, tax: 19 });
    const bad = validateActionConfig('create_task', { title_template: 't', due_days_offset: 'soon' }, 'c');
    expect(bad.issues).toEqual([expect.objectContaining({ path: 'c.due_days_offset', code: 'isNumber' })]);
  });

  it('checks enums and keeps keys the action does not know', () => {
    const bad = validateActionConfig('create_task', { title_template: 't', priority: 'urgent' }, 'c');
    expect(bad.issues).toEqual([expect.objectContaining({ path: 'c.priority', code: 'isIn' })]);
    const kept = validateActionConfig(
      'send_slack_message',
      { channel: '#a', message: 'm', legacy_flag: true },
      'c',
    );
    expect(kept.config).toEqual({ channel: '#a', message: 'm', legacy_flag: true });
  });
});

describe('validateConditions', () => {
  it('accepts the documented keys and coerces numeric strings', () => {
    const result = validateConditions(
      { min_value: '100', max_value: 200, intents: ['b2b'], sources: ['ads'] },
      'p',
    );
    expect(result.issues).toEqual([]);
    expect(result.conditions).toEqual({ min_value: 100, max_value: 200, intents: ['b2b'], sources: ['ads'] });
  });

  it('refuses unknown keys, min above max, and unknown intents or sources', () => {
    const { issues } = validateConditions(
      { min_value: 10, max_value: 5, intents: ['shopping'], sources: ['fax'], score_above: 3 },
      'triggers.1.conditions',
    );
    expect(issues.map((i) => [i.path, i.code])).toEqual([
      ['triggers.1.conditions.score_above', 'unknownCondition'],
      ['triggers.1.conditions.max_value', 'range'],
      ['triggers.1.conditions.intents', 'isIn'],
      ['triggers.1.conditions.sources', 'isIn'],
    ]);
  });
});

describe('legacyShapeIssue', () => {
  it('refuses the legacy send_email action and the {trigger, action:{type}} shape', () => {
    expect(legacyShapeIssue({ action: 'send_email', config: {} }, 'triggers.0')).toEqual(
      expect.objectContaining({ path: 'triggers.0.action', code: 'legacyAction' }),
    );
    expect(legacyShapeIssue({ trigger: { type: 'enter' }, action: { type: 'slack' } }, 'triggers.0')).toEqual(
      expect.objectContaining({ path: 'triggers.0', code: 'legacyShape' }),
    );
    expect(legacyShapeIssue({ action: 'send_slack_message', config: {} }, 'triggers.0')).toBeNull();
  });
});

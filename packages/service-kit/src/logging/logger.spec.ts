import { serializeError } from './logger';

describe('serializeError', () => {
  it('keeps what describes a failed query and drops the data it was given', () => {
    const driverError = Object.assign(
      new Error('duplicate key value violates unique constraint "leads_email"'),
      {
        code: '23505',
        detail: 'Key (lower(email))=(anna@lab.de) already exists.',
      },
    );
    const queryFailed = Object.assign(new Error(driverError.message), {
      name: 'QueryFailedError',
      query: 'INSERT INTO leads (email) SELECT * FROM jsonb_to_recordset($1)',
      parameters: ['[{"email":"anna@lab.de"}]'],
      driverError,
      code: '23505',
      detail: driverError.detail,
    });

    const logged = serializeError(queryFailed);

    expect(JSON.stringify(logged)).not.toContain('anna@lab.de');
    expect(logged).toMatchObject({ code: '23505', message: driverError.message });
    expect(logged.query).toContain('INSERT INTO leads');
    expect(logged.driverError).toMatchObject({ code: '23505' });
  });
});

import { ConfigError, loadConfig } from '@crm/service-kit';
import { DEFAULT_SMTP_URL, MAX_SMTP_TIMEOUT_MS, MailerConfig, MIN_MAILER_POOL_SIZE } from './mailer.config';
import { smtpSettingsOf } from './smtp-settings';

describe('MailerConfig', () => {
  it('starts without any SMTP setting, on port 3007, against the local default server', () => {
    const config = loadConfig(MailerConfig, {});
    expect(config.MAILER_PORT).toBe(3007);
    expect(smtpSettingsOf(config)).toMatchObject({
      host: '127.0.0.1',
      port: 1025,
      secure: false,
      auth: null,
      fromDomain: 'localhost',
    });
    expect(DEFAULT_SMTP_URL).toBe('smtp://127.0.0.1:1025');
  });

  it('reads SMTP_URL with credentials (URL-encoded) and smtps for implicit TLS', () => {
    const config = loadConfig(MailerConfig, {
      SMTP_URL: 'smtps://mailer%40acme.com:p%40ss@smtp.acme.com',
      MAIL_FROM: 'Acme CRM <crm@acme.com>',
    });
    expect(smtpSettingsOf(config)).toMatchObject({
      host: 'smtp.acme.com',
      port: 465,
      secure: true,
      auth: { user: 'mailer@acme.com', pass: 'p@ss' },
      from: 'Acme CRM <crm@acme.com>',
      fromDomain: 'acme.com',
    });
  });

  it('reads SMTP_HOST/SMTP_PORT/SMTP_USER/SMTP_PASS', () => {
    const config = loadConfig(MailerConfig, {
      SMTP_HOST: 'mail.example.org',
      SMTP_PORT: '2525',
      SMTP_USER: 'crm',
      SMTP_PASS: 'secret',
      MAIL_FROM: 'crm@example.org',
    });
    expect(smtpSettingsOf(config)).toMatchObject({
      host: 'mail.example.org',
      port: 2525,
      secure: false,
      auth: { user: 'crm', pass: 'secret' },
      fromDomain: 'example.org',
    });
  });

  it('refuses bad SMTP settings at boot, naming the variable', () => {
    expect(() => loadConfig(MailerConfig, { SMTP_URL: 'http://mail.example.org' })).toThrow(
      /SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/,
    );
    expect(() =>
      loadConfig(MailerConfig, { SMTP_URL: 'smtp://a.example.org', SMTP_HOST: 'b.example.org' }),
    ).toThrow(/SMTP_URL and SMTP_HOST cannot both be set/);
    expect(() => loadConfig(MailerConfig, { SMTP_HOST: 'mail.example.org', SMTP_USER: 'crm' })).toThrow(
      /SMTP_PASS must be set together with SMTP_USER/,
    );
    expect(() => loadConfig(MailerConfig, { MAIL_FROM: 'not an address' })).toThrow(ConfigError);
    expect(() => loadConfig(MailerConfig, { MAIL_FROM: 'not an address' })).toThrow(/MAIL_FROM/);
    expect(() => loadConfig(MailerConfig, { SMTP_PORT: '70000' })).toThrow(/SMTP_PORT/);
  });

  it('bounds the SMTP timeouts by a quarter of the send-email ack wait, and the pool by the concurrency', () => {
    expect(MAX_SMTP_TIMEOUT_MS).toBe(15_000);
    expect(() => loadConfig(MailerConfig, { SMTP_SOCKET_TIMEOUT_MS: '60000' })).toThrow(
      /SMTP_SOCKET_TIMEOUT_MS must be at most 15000 ms/,
    );
    expect(() => loadConfig(MailerConfig, { SMTP_CONNECTION_TIMEOUT_MS: '16000' })).toThrow(
      /SMTP_CONNECTION_TIMEOUT_MS must be at most 15000 ms/,
    );
    expect(MIN_MAILER_POOL_SIZE).toBe(10);
    expect(() => loadConfig(MailerConfig, { DATABASE_POOL_SIZE: '4' })).toThrow(
      /DATABASE_POOL_SIZE must be at least 10/,
    );
  });
});

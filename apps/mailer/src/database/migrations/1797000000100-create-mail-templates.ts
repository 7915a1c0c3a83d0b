import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@crm/service-kit';

const BOOKING_INVITATION_HTML = `<p>Hello {FIRST_NAME},</p>
<p>thank you for your interest in {COMPANY_NAME}. Please choose a time for a call that suits you:</p>
<p><a href="{BOOKING_LINK}">Book your appointment</a></p>
<p>If the button does not work, copy this address into your browser: {BOOKING_LINK}</p>
<p>Kind regards,<br>{OWNER_NAME}</p>`;

const DEAL_NOTIFICATION_HTML = `<p>Hello {OWNER_FIRST_NAME},</p>
<p>the deal <strong>{DEAL_NAME}</strong> ({DEAL_VALUE}) moved to <strong>{STAGE_NAME}</strong>.</p>
<p>Lead: {LEAD_NAME} &lt;{LEAD_EMAIL}&gt;</p>
<p><a href="{DEAL_LINK}">Open the deal</a></p>`;

/**
 * Stored templates, seeded with the two the automation needs (product.md, Integrations): the booking
 * invitation to a lead and the owner's deal notification. Seeds never overwrite an edited template.
 */
export class CreateMailTemplates1797000000100 implements MigrationInterface {
  name = 'CreateMailTemplates1797000000100';

  async up(runner: QueryRunner): Promise<void> {
    const schema = schemaOf(runner);
    await runner.query(`
      CREATE TABLE IF NOT EXISTS "${schema}".mail_template (
        key text PRIMARY KEY,
        name text NOT NULL,
        description text,
        subject text NOT NULL,
        html text NOT NULL,
        text text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    const seed = `INSERT INTO "${schema}".mail_template (key, name, description, subject, html)
                  VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key) DO NOTHING`;
    await runner.query(seed, [
      'booking_invitation',
      'Booking invitation',
      'Invites a lead to book an appointment (Cituro booking link).',
      '{FIRST_NAME}, book your appointment with {COMPANY_NAME}',
      BOOKING_INVITATION_HTML,
    ]);
    await runner.query(seed, [
      'deal_notification',
      'Deal notification',
      "Tells a deal's owner that the deal moved.",
      'Deal {DEAL_NAME} moved to {STAGE_NAME}',
      DEAL_NOTIFICATION_HTML,
    ]);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS "${schemaOf(runner)}".mail_template`);
  }
}

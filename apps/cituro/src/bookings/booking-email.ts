import { BOOKING_LINK_PLACEHOLDER, type CituroSendBookingV1, type MailerSendEmailV1 } from '@crm/contracts';
import { BOOKING_EMAIL_SUBJECT } from '../settings/cituro-settings';

/**
 * The mailer command of a booking invitation: the command's own HTML and subject (a trigger's), else the stored
 * template, with `{BOOKING_LINK}` replaced by the configured booking URL (api.md §15.3); the lead's names are
 * left to the mailer as `{VARIABLE}`s.
 */
export function bookingEmail(
  command: CituroSendBookingV1,
  template: string,
  bookingUrl: string,
  reference: string,
): MailerSendEmailV1 {
  const name = [command.first_name, command.last_name].filter(Boolean).join(' ');
  return {
    to: command.email,
    to_name: name || null,
    subject: command.email_subject || BOOKING_EMAIL_SUBJECT,
    html: (command.email_html || template).split(BOOKING_LINK_PLACEHOLDER).join(bookingUrl),
    variables: {
      FIRST_NAME: command.first_name ?? '',
      LAST_NAME: command.last_name ?? '',
      COMPANY: command.company ?? '',
      BOOKING_LINK: bookingUrl,
    },
    lead_id: command.lead_id,
    reference,
  };
}

/** The mailer command's key, derived from the invitation command's so a retry asks for the same email. */
export function mailIdempotencyKeyOf(idempotencyKey: string): string {
  return `cituro.booking_invitation:${idempotencyKey}`;
}

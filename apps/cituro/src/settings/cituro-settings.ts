import { BOOKING_LINK_PLACEHOLDER } from '@crm/contracts';

/** The settings in use, secrets decrypted. Never logged or returned. */
export interface CituroSettings {
  baseUrl: string;
  apiKey: string | null;
  webhookSecret: string | null;
  bookingUrl: string | null;
  serviceId: string | null;
  enabled: boolean;
  bookingStageByPipeline: Record<string, string>;
  emailTemplateHtml: string;
  /** Changes whenever the settings do (keys the status cache). */
  version: string;
}

/** Used until someone stores a template (api.md §15.3 `PUT /integrations/cituro/template`). */
export const DEFAULT_BOOKING_TEMPLATE_HTML = `<!doctype html>
<html>
  <body>
    <p>Hello {FIRST_NAME},</p>
    <p>thank you for your interest. Please choose a time for a short call:</p>
    <p><a href="${BOOKING_LINK_PLACEHOLDER}">Book a meeting</a></p>
    <p>Kind regards</p>
  </body>
</html>`;

export const BOOKING_EMAIL_SUBJECT = 'Book your meeting with us';

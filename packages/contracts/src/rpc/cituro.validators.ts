import { registerDecorator } from 'class-validator';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** api.md §15.3: the booking email template may be at most 200 KB (UTF-8 bytes). */
export const MAX_BOOKING_TEMPLATE_BYTES = 200 * 1024;
/** The placeholder the configured booking URL replaces (api.md §15.3). */
export const BOOKING_LINK_PLACEHOLDER = '{BOOKING_LINK}';

/** `{<pipeline_id>: <stage_id>}`, both UUIDs. */
export function IsStageByPipeline(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isStageByPipeline',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must map pipeline ids to stage ids (UUIDs)' },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.entries(value).every(([k, v]) => UUID.test(k) && typeof v === 'string' && UUID.test(v)),
      },
    });
}

/** A booking email template: a string of at most 200 KB that contains `{BOOKING_LINK}`. */
export function IsBookingTemplate(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isBookingTemplate',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `$property must be HTML of at most 200 KB containing ${BOOKING_LINK_PLACEHOLDER}`,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          Buffer.byteLength(value, 'utf8') <= MAX_BOOKING_TEMPLATE_BYTES &&
          value.includes(BOOKING_LINK_PLACEHOLDER),
      },
    });
}

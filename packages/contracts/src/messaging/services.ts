export const SERVICE_NAMES = [
  'gateway',
  'leads',
  'scoring',
  'automation',
  'slack',
  'mailer',
  'cituro',
  'moco',
  'webhooks',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

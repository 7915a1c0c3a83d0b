export const SERVICE_NAMES = ['gateway', 'leads', 'scoring', 'automation', 'slack'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

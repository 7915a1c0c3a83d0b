import { messagingEntities, messagingMigrations } from '@crm/messaging';
import type { DatabaseModuleOptions } from '@crm/service-kit';
import { EmailDeliveryEntity } from '../delivery/email-delivery.entity';
import { MailTemplateEntity } from '../templates/mail-template.entity';
import { CreateEmailDelivery1797000000000 } from './migrations/1797000000000-create-email-delivery';
import { CreateMailTemplates1797000000100 } from './migrations/1797000000100-create-mail-templates';

/** Shared by the AppModule and the migrate script, so both see the same schema, entities and migrations. */
export const databaseOptions: DatabaseModuleOptions = {
  schema: 'mailer',
  entities: [...messagingEntities, EmailDeliveryEntity, MailTemplateEntity],
  migrations: [...messagingMigrations, CreateEmailDelivery1797000000000, CreateMailTemplates1797000000100],
};

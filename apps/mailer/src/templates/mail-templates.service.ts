import { Injectable } from '@nestjs/common';
import {
  DomainError,
  MailerErrorCodes,
  NotFoundError,
  type MailTemplateListView,
  type MailTemplateView,
  type UpsertMailTemplateCommand,
} from '@crm/contracts';
import { AppLogger } from '@crm/service-kit';
import type { Logger } from 'pino';
import type { MailTemplateEntity } from './mail-template.entity';
import { MailTemplateRepository } from './mail-template.repository';
import { placeholdersOf } from './render-email';

/**
 * The stored templates: listed, read and edited by the gateway (request-reply), read by the send-email use case.
 * Any `{VARIABLE}` may be used; a template needs a subject and an HTML part (the text part is optional).
 */
@Injectable()
export class MailTemplatesService {
  private readonly log: Logger;

  constructor(
    private readonly templates: MailTemplateRepository,
    logger: AppLogger,
  ) {
    this.log = logger.child('mail-templates');
  }

  async list(): Promise<MailTemplateListView> {
    return { data: (await this.templates.list()).map(toView) };
  }

  async get(key: string): Promise<MailTemplateView> {
    const template = await this.templates.findByKey(key);
    if (!template) throw new NotFoundError('Mail template', key);
    return toView(template);
  }

  /** The template to render, or null when none has this key (the send fails with template_not_found). */
  find(key: string): Promise<MailTemplateEntity | null> {
    return this.templates.findByKey(key);
  }

  async upsert({ key, body, actor }: UpsertMailTemplateCommand): Promise<MailTemplateView> {
    if (/[\r\n]/.test(body.subject)) {
      throw new DomainError(MailerErrorCodes.TemplateInvalid, 'subject must be a single line', 400, {
        field: 'subject',
      });
    }
    const existing = await this.templates.findByKey(key);
    const saved = await this.templates.upsert({
      key,
      name: body.name ?? existing?.name ?? key,
      description: body.description !== undefined ? body.description : (existing?.description ?? null),
      subject: body.subject,
      html: body.html,
      text: body.text?.trim() ? body.text : null,
    });
    this.log.info(
      { key, actor_type: actor.type, actor_id: actor.id, created: !existing },
      'mail template saved',
    );
    return toView(saved);
  }
}

function toView(template: MailTemplateEntity): MailTemplateView {
  return {
    key: template.key,
    name: template.name,
    description: template.description,
    subject: template.subject,
    html: template.html,
    text: template.text,
    variables: placeholdersOf(template.subject, template.html, template.text),
    created_at: new Date(template.created_at).toISOString(),
    updated_at: new Date(template.updated_at).toISOString(),
  };
}

import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@crm/service-kit';
import { MailTemplateEntity } from './mail-template.entity';

export interface TemplateContent {
  key: string;
  name: string;
  description: string | null;
  subject: string;
  html: string;
  text: string | null;
}

/** The only code touching the template table. */
@Injectable()
export class MailTemplateRepository {
  constructor(private readonly tx: TransactionHost) {}

  list(): Promise<MailTemplateEntity[]> {
    return this.tx.manager.getRepository(MailTemplateEntity).find({ order: { key: 'ASC' } });
  }

  findByKey(key: string): Promise<MailTemplateEntity | null> {
    return this.tx.manager.getRepository(MailTemplateEntity).findOne({ where: { key } });
  }

  async upsert(content: TemplateContent): Promise<MailTemplateEntity> {
    const [row] = (await this.tx.manager.query(
      `INSERT INTO ${this.table()} (key, name, description, subject, html, text)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (key) DO UPDATE SET
         name = EXCLUDED.name, description = EXCLUDED.description, subject = EXCLUDED.subject,
         html = EXCLUDED.html, text = EXCLUDED.text, updated_at = now()
       RETURNING *`,
      [content.key, content.name, content.description, content.subject, content.html, content.text],
    )) as MailTemplateEntity[];
    return row;
  }

  private table(): string {
    const metadata = this.tx.dataSource.getMetadata(MailTemplateEntity);
    return `"${metadata.schema}"."${metadata.tableName}"`;
  }
}

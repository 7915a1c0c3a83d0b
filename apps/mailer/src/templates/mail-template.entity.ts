import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'mail_template' })
export class MailTemplateEntity {
  @PrimaryColumn({ type: 'text' }) key: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text', nullable: true }) description: string | null;
  @Column({ type: 'text' }) subject: string;
  @Column({ type: 'text' }) html: string;
  /** null: the text part is derived from the rendered HTML. */
  @Column({ type: 'text', nullable: true }) text: string | null;
  @Column({ type: 'timestamptz', default: () => 'now()' }) created_at: Date;
  @Column({ type: 'timestamptz', default: () => 'now()' }) updated_at: Date;
}

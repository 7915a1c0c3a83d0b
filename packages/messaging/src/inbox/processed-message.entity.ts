import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A message a consumer has handled; inserted in the handler's own transaction, so a repeat is skipped. */
@Entity({ name: 'processed_message' })
export class ProcessedMessageEntity {
  @PrimaryColumn('text') consumer: string;
  @PrimaryColumn({ name: 'message_id', type: 'uuid' }) messageId: string;
  @CreateDateColumn({ name: 'processed_at', type: 'timestamptz' }) processedAt: Date;
}

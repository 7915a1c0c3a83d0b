import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@crm/service-kit';
import { Recordset } from '../leads/recordset';

/** A note on a lead's timeline; today only imports write them (`note_type` `imported`). */
export interface LeadNoteRow {
  id: string;
  leadId: string;
  noteType: 'imported';
  content: string;
  source: string | null;
  batchId: string | null;
  createdAt: Date;
}

const NOTE = new Recordset<LeadNoteRow>([
  ['id', 'id', 'uuid'],
  ['lead_id', 'leadId', 'uuid'],
  ['note_type', 'noteType', 'varchar'],
  ['content', 'content', 'text'],
  ['source', 'source', 'varchar'],
  ['batch_id', 'batchId', 'uuid'],
  ['created_at', 'createdAt', 'timestamptz'],
]);

@Injectable()
export class LeadNoteRepository {
  constructor(private readonly tx: TransactionHost) {}

  async insertMany(notes: readonly LeadNoteRow[]): Promise<void> {
    if (!notes.length) return;
    await this.tx.manager.query(NOTE.insertInto('lead_notes'), [NOTE.parameter(notes)]);
  }

  /** The lead's latest notes, newest first. */
  ofLead(leadId: string, limit: number): Promise<LeadNoteRow[]> {
    return this.tx.manager.query(
      `SELECT id, lead_id AS "leadId", note_type AS "noteType", content, source, batch_id AS "batchId",
              created_at AS "createdAt"
         FROM lead_notes WHERE lead_id = $1
        ORDER BY created_at DESC, id DESC
        LIMIT $2`,
      [leadId, limit],
    );
  }
}
